/*
 * bench:pkcs11's native peer (a benchmark helper, not part of byok): what the token charges any client for
 * the lookups byok makes, with no binding and no JavaScript in between. Each round, against the same token:
 *
 *   floor    per key: C_GenerateKey (AES-256 session key), C_WrapKey (CKM_AES_KEY_WRAP_PAD, the target),
 *            C_WrapKey (CKM_RSA_PKCS_OAEP SHA-1, the AES key under the KEK), C_DestroyObject
 *   client   the token calls byok makes for the same keys, made directly: a session and login, one search per
 *            key class (private, secret), one C_GetAttributeValue per key with buffers sized in advance
 *            (pkcs11js asks for the lengths first: two calls), each key found by its label in that
 *            directory, its extractable / wrap-with-trusted flags checked, then the floor's four calls
 *
 *   usage: pkcs11-native-client MODULE TOKEN_LABEL KEK_MODULUS_HEX KEYS ROUNDS   (PIN in BENCH_PIN)
 *   prints one line per round: "<floor ms> <client ms>" for KEYS keys labelled k0 … k<KEYS-1>
 *
 * Built by scripts/bench-pkcs11.mjs with the machine's C compiler, against pkcs11js's copy of the OASIS
 * PKCS#11 headers.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "pkcs11.h"

static CK_FUNCTION_LIST_PTR p11;
static unsigned char out[16384];

static void fail(const char *what, CK_RV rv) {
  fprintf(stderr, "pkcs11-native-client: %s failed: 0x%lx\n", what, (unsigned long)rv);
  exit(2);
}
#define CALL(f, ...) do { CK_RV rv_ = p11->f(__VA_ARGS__); if (rv_ != CKR_OK) fail(#f, rv_); } while (0)

static double ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* The floor's four calls for one target. */
static void wrap_one(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE kek, CK_OBJECT_HANDLE target) {
  CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
  CK_KEY_TYPE type = CKK_AES;
  CK_ULONG len = 32;
  CK_BBOOL no = CK_FALSE, yes = CK_TRUE;
  CK_ATTRIBUTE t[] = {
    { CKA_CLASS, &cls, sizeof cls }, { CKA_KEY_TYPE, &type, sizeof type }, { CKA_VALUE_LEN, &len, sizeof len },
    { CKA_TOKEN, &no, 1 }, { CKA_SENSITIVE, &yes, 1 }, { CKA_EXTRACTABLE, &yes, 1 }, { CKA_WRAP, &yes, 1 },
  };
  CK_MECHANISM gen = { CKM_AES_KEY_GEN, NULL, 0 };
  CK_MECHANISM kwp = { CKM_AES_KEY_WRAP_PAD, NULL, 0 };
  CK_RSA_PKCS_OAEP_PARAMS op = { CKM_SHA_1, CKG_MGF1_SHA1, CKZ_DATA_SPECIFIED, NULL, 0 };
  CK_MECHANISM oaep = { CKM_RSA_PKCS_OAEP, &op, sizeof op };
  CK_OBJECT_HANDLE eph;
  CK_ULONG n;
  CALL(C_GenerateKey, s, &gen, t, 7, &eph);
  n = sizeof out;
  CALL(C_WrapKey, s, &kwp, eph, target, out, &n);
  n = sizeof out;
  CALL(C_WrapKey, s, &oaep, kek, eph, out, &n);
  CALL(C_DestroyObject, s, eph);
}

struct entry {
  CK_OBJECT_HANDLE h;
  unsigned char label[128], id[128], modulus[1024], exponent[16];
  CK_ULONG label_len;
  CK_OBJECT_CLASS cls;
  CK_KEY_TYPE type;
  CK_BBOOL extractable, sensitive, never_extractable, always_sensitive, wrap_with_trusted;
};

/* One search per class and one read per key, as byok's key directory (src/pkcs11/keys.ts) does. */
static size_t directory(CK_SESSION_HANDLE s, struct entry *dir, size_t max) {
  static const CK_OBJECT_CLASS classes[] = { CKO_PRIVATE_KEY, CKO_SECRET_KEY };
  CK_BBOOL yes = CK_TRUE;
  size_t count = 0;
  for (size_t c = 0; c < 2; c++) {
    CK_OBJECT_CLASS cls = classes[c];
    CK_ATTRIBUTE q[] = { { CKA_CLASS, &cls, sizeof cls }, { CKA_TOKEN, &yes, 1 } };
    CK_OBJECT_HANDLE hs[1024];
    CK_ULONG found = 0;
    CALL(C_FindObjectsInit, s, q, 2);
    CALL(C_FindObjects, s, hs, 1024, &found);
    CALL(C_FindObjectsFinal, s);
    for (CK_ULONG i = 0; i < found && count < max; i++) {
      struct entry *e = &dir[count++];
      e->h = hs[i];
      CK_ATTRIBUTE a[] = {
        { CKA_CLASS, &e->cls, sizeof e->cls }, { CKA_KEY_TYPE, &e->type, sizeof e->type },
        { CKA_LABEL, e->label, sizeof e->label }, { CKA_ID, e->id, sizeof e->id },
        { CKA_EXTRACTABLE, &e->extractable, 1 }, { CKA_SENSITIVE, &e->sensitive, 1 },
        { CKA_NEVER_EXTRACTABLE, &e->never_extractable, 1 }, { CKA_ALWAYS_SENSITIVE, &e->always_sensitive, 1 },
        { CKA_WRAP_WITH_TRUSTED, &e->wrap_with_trusted, 1 },
        { CKA_MODULUS, e->modulus, sizeof e->modulus }, { CKA_PUBLIC_EXPONENT, e->exponent, sizeof e->exponent },
      };
      CALL(C_GetAttributeValue, s, e->h, a, cls == CKO_PRIVATE_KEY ? 11 : 9);
      e->label_len = a[2].ulValueLen;
    }
  }
  return count;
}

int main(int argc, char **argv) {
  if (argc != 6 || getenv("BENCH_PIN") == NULL) {
    fprintf(stderr, "usage: BENCH_PIN=… pkcs11-native-client MODULE TOKEN_LABEL KEK_MODULUS_HEX KEYS ROUNDS\n");
    return 2;
  }
  const char *pin = getenv("BENCH_PIN");
  size_t keys = (size_t)atoi(argv[4]);
  int rounds = atoi(argv[5]);
  size_t modlen = strlen(argv[3]) / 2;
  if (keys == 0 || keys > 1024 || modlen == 0 || modlen > 1024) {
    fprintf(stderr, "pkcs11-native-client: bad KEYS or KEK modulus\n");
    return 2;
  }
  unsigned char modulus[1024], exponent[] = { 1, 0, 1 };
  for (size_t i = 0; i < modlen; i++) sscanf(argv[3] + 2 * i, "%2hhx", &modulus[i]);

  void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (lib == NULL) {
    fprintf(stderr, "pkcs11-native-client: %s\n", dlerror());
    return 2;
  }
  CK_C_GetFunctionList get = (CK_C_GetFunctionList)dlsym(lib, "C_GetFunctionList");
  if (get == NULL || get(&p11) != CKR_OK) {
    fprintf(stderr, "pkcs11-native-client: no C_GetFunctionList in %s\n", argv[1]);
    return 2;
  }
  CALL(C_Initialize, NULL);
  CK_SLOT_ID slots[64], slot = 0;
  CK_ULONG nslots = 64;
  int have = 0;
  CALL(C_GetSlotList, CK_TRUE, slots, &nslots);
  for (CK_ULONG i = 0; i < nslots && !have; i++) {
    CK_TOKEN_INFO info;
    CALL(C_GetTokenInfo, slots[i], &info);
    size_t n = strlen(argv[2]);
    if (n <= 32 && memcmp(info.label, argv[2], n) == 0 && (n == 32 || info.label[n] == ' ')) slot = slots[i], have = 1;
  }
  if (!have) {
    fprintf(stderr, "pkcs11-native-client: no token labelled %s\n", argv[2]);
    return 2;
  }

  struct entry *dir = calloc(2048, sizeof *dir);
  CK_OBJECT_HANDLE *targets = calloc(keys, sizeof *targets);
  for (int r = 0; r < rounds; r++) {
    CK_OBJECT_CLASS pub = CKO_PUBLIC_KEY;
    CK_KEY_TYPE rsa = CKK_RSA;
    CK_BBOOL no = CK_FALSE, yes = CK_TRUE;
    CK_ATTRIBUTE kt[] = {
      { CKA_CLASS, &pub, sizeof pub }, { CKA_KEY_TYPE, &rsa, sizeof rsa }, { CKA_TOKEN, &no, 1 },
      { CKA_MODULUS, modulus, modlen }, { CKA_PUBLIC_EXPONENT, exponent, sizeof exponent }, { CKA_WRAP, &yes, 1 },
    };
    CK_SESSION_HANDLE s;
    CK_OBJECT_HANDLE kek;

    /* floor: the keys found before the clock starts */
    CALL(C_OpenSession, slot, CKF_SERIAL_SESSION, NULL, NULL, &s);
    CALL(C_Login, s, CKU_USER, (CK_UTF8CHAR_PTR)pin, strlen(pin));
    size_t n = directory(s, dir, 2048);
    for (size_t k = 0; k < keys; k++) {
      char label[32];
      int len = snprintf(label, sizeof label, "k%zu", k);
      targets[k] = 0;
      for (size_t i = 0; i < n; i++) {
        if (dir[i].label_len == (CK_ULONG)len && memcmp(dir[i].label, label, len) == 0) targets[k] = dir[i].h;
      }
      if (targets[k] == 0) fail("finding a key by label", CKR_GENERAL_ERROR);
    }
    CALL(C_CreateObject, s, kt, 6, &kek);
    double t0 = ms();
    for (size_t k = 0; k < keys; k++) wrap_one(s, kek, targets[k]);
    double floor_ms = ms() - t0;
    CALL(C_DestroyObject, s, kek);
    CALL(C_Logout, s);
    CALL(C_CloseSession, s);

    /* client: session, login, directory, lookups, checks, the same wraps */
    t0 = ms();
    CALL(C_OpenSession, slot, CKF_SERIAL_SESSION, NULL, NULL, &s);
    CALL(C_Login, s, CKU_USER, (CK_UTF8CHAR_PTR)pin, strlen(pin));
    CALL(C_CreateObject, s, kt, 6, &kek);
    n = directory(s, dir, 2048);
    for (size_t k = 0; k < keys; k++) {
      char label[32];
      int len = snprintf(label, sizeof label, "k%zu", k);
      struct entry *hit = NULL;
      for (size_t i = 0; i < n; i++) {
        if (dir[i].label_len == (CK_ULONG)len && memcmp(dir[i].label, label, len) == 0) {
          if (hit != NULL) fail("finding a key by label (two match)", CKR_GENERAL_ERROR);
          hit = &dir[i];
        }
      }
      if (hit == NULL || !hit->extractable || hit->wrap_with_trusted) fail("finding a wrappable key by label", CKR_GENERAL_ERROR);
      wrap_one(s, kek, hit->h);
    }
    CALL(C_DestroyObject, s, kek);
    CALL(C_Logout, s);
    CALL(C_CloseSession, s);
    double client_ms = ms() - t0;
    printf("%.3f %.3f\n", floor_ms, client_ms);
    fflush(stdout);
  }
  CALL(C_Finalize, NULL);
  return 0;
}
