// The RSA-2048 key of the OAEP known-answer test (kat.ts). NOT A SECRET: it is published here on purpose,
// generated once with `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048` for this test only.
// The token encrypts a known AES key to its public half with CKM_RSA_PKCS_OAEP and the hash a scheme asks
// for; the Wasm core decrypts with this private half and the same hash. A token that ignores the hash
// parameter (byok-formats.md §3.4: SoftHSM 2.7's RSA-AES wrap, by code reading) fails the test instead of
// silently producing a SHA-1 blob that the cloud would refuse, or worse, one it mis-reads.
export const OAEP_KAT_KEY_PKCS8_BASE64 = [
  'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCcqoTGtwz3EAFlt+lnz6/N+N/WSUb2hOIT9dTO5+IMC0w8',
  'D7ih0TQHsJd/3+WNcYsvEhPZptg2yAt4unwfjubRaLfR78wLptItIQtbKXVlaVDtQng/HlN5O0rEr1QtuUcrvdbo2H9qpnR7',
  'rxiziaY5VH9zLiXNKOQUYZ4kGmFX+SzKWKl5Ih92YKc781NLT4qYSV18DLOJ2sfQYxdeK+PlkRo33csrSg5JDuVUh0dIXMit',
  'nM7c5rjMcQXbMNx7bJi+qH/29G3E/fZu7DIGVvZYD2+JQeft6OE20fWHIebklTfOdEr2dYYpek7sbHGld90Hh5Dhf2QM9kry',
  '2KjKmd6TAgMBAAECggEALAkN+yD2pvc7vVCdbY2F99otaHj+VkpxlXSy1Vl+Qy5lxjgRCILaIhMz8kCHsGMq4Rcuty3bdkJy',
  'XwPj4ab0IAZULNE/REMmroKsQ3p6wf+BPL9DN1KZ2eidkn1JpvR+GcBpiNdZsSuKcD1+LvDQ5SpoDIL7IxiMS2JI5hL4K5aw',
  'rT7RzjNsiuDAJ2PDFIkyAGmigs7shprLkGyXofbyX1yBxQjkyaJq1i/rVkxvhukHLYjOlxUVFi239aQcQxAGvjQ232D4s5FT',
  '0j0TNzpbhhAOFk9aYIEiFb0yznl/NUAvvbvQ7kX1qfwPhARbOpZM5JYeU8cc59f8JZ6fv9Ep2QKBgQDN3D0+KkFsBMUKBv4C',
  'bqj1xFxWCamV8hoQWgOGj7eQMt3ZR4og3LaYSWwIkRgEqlC0CfV5cpCBU8q7LBs0wwnS8RklAsWcFWbPQ/EO1yKPGxeNgBZb',
  'iv+GBBEZS6mfYcSlaxx0/MerrSpv4xpliW2mg5nz88IvG8kxEdqqFWUzhwKBgQDC0u5kP4EXhu+btDrWQb+2wZ1NUNHGMzA2',
  'HkbiKq6USbHctGu1uRvlnMLYrLO0zkNAT2/at/wh/xuGxTU7HILSgHWBZit0cTShZk88o8tJ1vuT2F746VT3xARElz4cMm2N',
  '9LpJw/CzJLjNSeN6V7+s+fwNqf+DwO060hj6aFBXlQKBgQC+i02wncIibqPHLUOuEqmXmqJxDM6IuSgA3KCIy7v33+1SsZIb',
  '6s+kU8mIgGx/3PmIO/OX7z/sRRfQefnQs3sDYiCJDnDEkVaxIE0fFGirl0MMuXN4Vkc/z8HX7R3bJc6z4lnbuyJCOK2gFNCZ',
  'DUSOLR+yG30wx4JJRiJk7hrXPwKBgA5a9n/iggOWyL8DV7aD37l6qLmSs/JTwUCrmHN/y59Xksh9btZUDm8rztuiVheDf0cU',
  '01wdZHGo14FltJdncWhLWN0xBxCsasFdxYblVsxZD+6D6fOTVdRv2BSpxETVnmbwWm2nB2xbz1YpFJ7mKlR3kw/6r74okBJe',
  'esKwvwLFAoGAG1H4myemdKUaFyFebyowq0hOvH+fES5XQMKkOcOqIvS2IFmPK1U7apyEBjD2EIZ2ZfU0Pt6oc8ZfYmoEsALV',
  'a88a0DwZD3xsDCSirDOwM2xTI+UppUZ1fOp/4nFzw0JvSaUNfhWv1nblWsGLfycX284hP/xml5MHsPPnn9/EKYo=',
].join('');
