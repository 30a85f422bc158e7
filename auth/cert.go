package auth

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	"software.sslmate.com/src/go-pkcs12"
)

var (
	// ErrCertificatePassword means a PKCS#12 file could not be opened with
	// the password given to ParseCertificate: it is wrong, or missing.
	ErrCertificatePassword = errors.New("auth: wrong certificate password")

	// ErrNoPrivateKey means a certificate file holds no private key, which
	// client-certificate sign-in needs (a .cer or .crt holds only the public
	// certificate).
	ErrNoPrivateKey = errors.New("auth: the certificate file holds no private key")
)

// ParseCertificate reads a client certificate and its private key for
// NewClientCertificate. The format is told from the content:
//
//   - PKCS#12 (.pfx, .p12), DER-encoded and protected by password, as Windows,
//     Azure Key Vault and `openssl pkcs12 -export` write them: the modern
//     AES-256 with PBKDF2 encryption (OpenSSL 3, Windows Server 2019+) and the
//     legacy 3DES and RC2 ones. The first certificate is the leaf, the others
//     its chain.
//   - PEM: one or more CERTIFICATE blocks and an unencrypted PRIVATE KEY or
//     RSA PRIVATE KEY block; password is ignored. Encrypted PEM keys are
//     refused with the openssl command that converts them.
//
// A wrong or missing PKCS#12 password is ErrCertificatePassword and a file
// without a private key ErrNoPrivateKey (errors.Is). The password never
// appears in errors.
func ParseCertificate(data []byte, password string) ([]*x509.Certificate, crypto.PrivateKey, error) {
	switch {
	case bytes.Contains(data, []byte("-----BEGIN")):
		return parsePEM(data)
	case len(data) > 0 && data[0] == 0x30: // a DER SEQUENCE
		return parsePKCS12(data, password)
	}
	return nil, nil, errors.New("auth: the certificate is neither PEM nor PKCS#12 (.pfx, .p12)")
}

// parsePEM reads PEM through MSAL, after refusing what MSAL would reject with
// a less helpful message.
func parsePEM(data []byte) ([]*x509.Certificate, crypto.PrivateKey, error) {
	blocks, hasKey := 0, false
	for rest := data; ; {
		var block *pem.Block
		if block, rest = pem.Decode(rest); block == nil {
			break
		}
		blocks++
		_, legacy := block.Headers["DEK-Info"]
		if legacy || block.Type == "ENCRYPTED PRIVATE KEY" {
			return nil, nil, errors.New("auth: the PEM private key is encrypted, which is not supported: " +
				"bundle the certificate and key into a password-protected PKCS#12 file with " +
				"`openssl pkcs12 -export -in cert.pem -inkey key.pem -out cert.pfx`, " +
				"or decrypt the key with `openssl pkey -in key.pem -out key-plain.pem` and keep it readable by you alone")
		}
		if block.Type == "PRIVATE KEY" || block.Type == "RSA PRIVATE KEY" {
			hasKey = true
		}
	}
	if blocks == 0 {
		return nil, nil, errors.New("auth: the PEM certificate file holds no complete block (truncated?)")
	}
	if !hasKey {
		return nil, nil, fmt.Errorf("%w: add its PRIVATE KEY block to the PEM file, or use the .pfx/.p12 file that holds both", ErrNoPrivateKey)
	}
	certs, key, err := confidential.CertFromPEM(data, "")
	if err != nil {
		return nil, nil, fmt.Errorf("auth: reading the PEM certificate: %w", err)
	}
	return certs, key, nil
}

func parsePKCS12(data []byte, password string) ([]*x509.Certificate, crypto.PrivateKey, error) {
	key, leaf, chain, err := pkcs12.DecodeChain(data, password)
	if err == nil {
		return append([]*x509.Certificate{leaf}, chain...), key, nil
	}
	if errors.Is(err, pkcs12.ErrIncorrectPassword) || errors.Is(err, pkcs12.ErrDecryption) {
		return nil, nil, fmt.Errorf("%w for the PKCS#12 file (.pfx/.p12)", ErrCertificatePassword)
	}
	// go-pkcs12 reports a file without a key by this message only.
	if err.Error() == "pkcs12: private key missing" {
		return nil, nil, fmt.Errorf("%w: export the certificate with its private key (.pfx/.p12 \"with private key\")", ErrNoPrivateKey)
	}
	if _, cerr := x509.ParseCertificate(data); cerr == nil {
		return nil, nil, fmt.Errorf("%w: this is a DER certificate (.cer/.crt) alone; use the .pfx/.p12 file, or PEM with the key", ErrNoPrivateKey)
	}
	return nil, nil, fmt.Errorf("auth: reading the PKCS#12 certificate: %w", err)
}
