// Compatibility module between Debian's civetweb 1.15 and OpenSSL 3.
//
// civetweb is built against the OpenSSL 1.1 API and loads TLS at run time with
// dlopen("libssl.so") + dlsym(). OpenSSL 3 turned SSL_get_peer_certificate() into a macro for
// SSL_get1_peer_certificate(), so the symbol is gone, civetweb's loader fails, and a TLS listener
// crashes calling a null function pointer. This module is built as a shared object whose SONAME is
// "libssl.so" and which depends on the real libssl.so.3: once the sandbox has dlopen()ed it,
// civetweb's dlopen("libssl.so") returns this object, and dlsym() finds the missing function here
// and every other one in libssl.so.3 (a dependency, hence in the handle's lookup scope).
#include <openssl/ssl.h>
#include <openssl/x509.h>

#undef SSL_get_peer_certificate

// OpenSSL 1.1's SSL_get_peer_certificate() already returned a new reference, exactly like
// SSL_get1_peer_certificate(), so civetweb's X509_free() afterwards stays balanced.
extern "C" __attribute__((visibility("default"))) X509* SSL_get_peer_certificate(const SSL* ssl) {
  return SSL_get1_peer_certificate(ssl);
}
