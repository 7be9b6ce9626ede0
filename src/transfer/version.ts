// The toolkit's version, named in every .byok `generator`. A constant rather than a JSON import so the
// browser bundle and tsc's rootDir stay simple; test/formats/version.test.ts keeps it equal to package.json.
export const TOOLKIT_NAME = 'byok-toolkit';
export const TOOLKIT_VERSION = '0.1.0';
