// Only what Pathlink's Cryptography module calls: EVP digests and MACs, the CSPRNG,
// and secure memory clearing. Non-deprecated OpenSSL 3 interfaces, so a FIPS provider
// can be configured without code changes. (hmac.h is included for the one-shot HMAC()
// that the token benchmark compares against; Pathlink's tokens never use it.)
#ifndef PATHLINK_COPENSSL_SHIM_H
#define PATHLINK_COPENSSL_SHIM_H
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/hmac.h>
#include <openssl/params.h>
#include <openssl/core_names.h>
#endif
