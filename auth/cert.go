package auth

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"fmt"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
)

// ParseCertificate reads a client certificate and its private key for
// NewClientCertificate from PEM: one or more CERTIFICATE blocks and an
// unencrypted PRIVATE KEY or RSA PRIVATE KEY block (MSAL's CertFromPEM, which
// ignores password and rejects legacy encrypted PEM).
//
// PKCS#12 (.pfx, .p12) is not read yet: it fails with ErrUnsupported and the
// openssl command that converts it to PEM.
func ParseCertificate(data []byte, password string) ([]*x509.Certificate, crypto.PrivateKey, error) {
	if !bytes.Contains(data, []byte("-----BEGIN")) {
		if len(data) > 0 && data[0] == 0x30 {
			return nil, nil, fmt.Errorf("%w: PKCS#12 (.pfx/.p12) certificates; convert to PEM with `openssl pkcs12 -in cert.pfx -out cert.pem -nodes`", ErrUnsupported)
		}
		return nil, nil, fmt.Errorf("auth: the certificate is neither PEM nor PKCS#12")
	}
	certs, key, err := confidential.CertFromPEM(data, password)
	if err != nil {
		return nil, nil, fmt.Errorf("auth: reading the certificate: %w", err)
	}
	return certs, key, nil
}
