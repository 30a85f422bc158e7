package auth_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"

	"github.com/o365go/o365/auth"
)

// testPKI is a leaf certificate with its key, issued by a CA.
type testPKI struct {
	key      *rsa.PrivateKey
	leaf, ca *x509.Certificate
}

func newTestPKI(t *testing.T) testPKI {
	t.Helper()
	caKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "o365 test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	leafTmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "o365 test app"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour)}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(leafDER)
	if err != nil {
		t.Fatal(err)
	}
	return testPKI{key: key, leaf: leaf, ca: ca}
}

func (p testPKI) pem(t *testing.T) []byte {
	t.Helper()
	pkcs8, err := x509.MarshalPKCS8PrivateKey(p.key)
	if err != nil {
		t.Fatal(err)
	}
	out := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p.leaf.Raw})
	out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p.ca.Raw})...)
	return append(out, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})...)
}

// checkParsed asserts that ParseCertificate returned p's leaf first, then its
// CA, and p's key.
func (p testPKI) checkParsed(t *testing.T, certs []*x509.Certificate, key any) {
	t.Helper()
	if len(certs) != 2 || !certs[0].Equal(p.leaf) || !certs[1].Equal(p.ca) {
		t.Errorf("got %d certificates, want the leaf then the CA", len(certs))
	}
	if k, ok := key.(*rsa.PrivateKey); !ok || !k.Equal(p.key) {
		t.Errorf("key %T is not the leaf's", key)
	}
}

func TestParseCertificatePKCS12(t *testing.T) {
	t.Parallel()
	p := newTestPKI(t)
	const password = "correct horse € battery"
	for _, tc := range []struct {
		name string
		enc  *pkcs12.Encoder
	}{
		{"modern AES-256 PBKDF2 (OpenSSL 3, Windows)", pkcs12.Modern},
		{"modern 2026 PBMAC1", pkcs12.Modern2026},
		{"legacy 3DES", pkcs12.Legacy},
		{"legacy RC2 (OpenSSL 1.x)", pkcs12.LegacyRC2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			pfx, err := tc.enc.Encode(p.key, p.leaf, []*x509.Certificate{p.ca}, password)
			if err != nil {
				t.Fatal(err)
			}
			certs, key, err := auth.ParseCertificate(pfx, password)
			if err != nil {
				t.Fatalf("ParseCertificate: %v", err)
			}
			p.checkParsed(t, certs, key)
			if _, err := auth.NewClientCertificate(auth.Config{ClientID: "app", Tenant: "contoso.com"}, certs, key); err != nil {
				t.Errorf("NewClientCertificate: %v", err)
			}

			for _, wrong := range []string{"Correct horse € battery", ""} {
				_, _, err := auth.ParseCertificate(pfx, wrong)
				if !errors.Is(err, auth.ErrCertificatePassword) {
					t.Errorf("password %q: err = %v, want ErrCertificatePassword", wrong, err)
				}
				if err != nil && strings.Contains(err.Error(), "horse") {
					t.Errorf("the error shows the password: %v", err)
				}
			}
		})
	}
}

// The fixtures were written by OpenSSL 3.0 (a self-signed test certificate
// and its throwaway key, password "fixture-password"):
//
//	openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -subj "/CN=o365 openssl fixture" -days 36500
//	openssl pkcs12 -export -in cert.pem -inkey key.pem -out openssl3-aes256.pfx
//	openssl pkcs12 -export -in cert.pem -inkey key.pem -out openssl3-3des.pfx -certpbe PBE-SHA1-3DES -keypbe PBE-SHA1-3DES -macalg sha1
func TestParseCertificateOpenSSLFiles(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"openssl3-aes256.pfx", "openssl3-3des.pfx"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		certs, key, err := auth.ParseCertificate(data, "fixture-password")
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(certs) != 1 || certs[0].Subject.CommonName != "o365 openssl fixture" {
			t.Errorf("%s: certificates %v", name, certs)
		}
		if k, ok := key.(*rsa.PrivateKey); !ok || !k.PublicKey.Equal(certs[0].PublicKey) {
			t.Errorf("%s: key %T does not match the certificate", name, key)
		}
		if _, _, err := auth.ParseCertificate(data, "fixture-passwort"); !errors.Is(err, auth.ErrCertificatePassword) {
			t.Errorf("%s with a wrong password: %v", name, err)
		}
	}
}

func TestParseCertificatePKCS12WithoutPassword(t *testing.T) {
	t.Parallel()
	p := newTestPKI(t)
	pfx, err := pkcs12.Modern.Encode(p.key, p.leaf, []*x509.Certificate{p.ca}, "")
	if err != nil {
		t.Fatal(err)
	}
	certs, key, err := auth.ParseCertificate(pfx, "")
	if err != nil {
		t.Fatal(err)
	}
	p.checkParsed(t, certs, key)
	if _, _, err := auth.ParseCertificate(pfx, "something"); !errors.Is(err, auth.ErrCertificatePassword) {
		t.Errorf("a password on a file without one: %v", err)
	}
}

func TestParseCertificatePEM(t *testing.T) {
	t.Parallel()
	p := newTestPKI(t)
	data := p.pem(t)
	// The password is ignored for unencrypted PEM.
	for _, pw := range []string{"", "unused"} {
		certs, key, err := auth.ParseCertificate(data, pw)
		if err != nil {
			t.Fatalf("password %q: %v", pw, err)
		}
		p.checkParsed(t, certs, key)
	}
	// openssl pkcs12 -nodes writes "Bag Attributes" text before each block.
	certs, key, err := auth.ParseCertificate(append([]byte("Bag Attributes\n    friendlyName: app\n"), data...), "")
	if err != nil {
		t.Fatal(err)
	}
	p.checkParsed(t, certs, key)
}

func TestParseCertificateErrors(t *testing.T) {
	t.Parallel()
	p := newTestPKI(t)
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p.leaf.Raw})
	trustStore, err := pkcs12.Modern.EncodeTrustStore([]*x509.Certificate{p.leaf}, "pw")
	if err != nil {
		t.Fatal(err)
	}
	legacyEncrypted := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY",
		Headers: map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-256-CBC,00112233445566778899AABBCCDDEEFF"},
		Bytes:   []byte("not really ciphertext")})
	pkcs8Encrypted := pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte{0x30, 0x00}})

	for _, tc := range []struct {
		name     string
		data     []byte
		password string
		is       error  // errors.Is target, or nil
		contains string // in the message
	}{
		{"PEM certificate without key", certPEM, "", auth.ErrNoPrivateKey, "PRIVATE KEY block"},
		{"DER certificate alone (.cer)", p.leaf.Raw, "", auth.ErrNoPrivateKey, ".cer"},
		{"PKCS#12 without key", trustStore, "pw", auth.ErrNoPrivateKey, "with its private key"},
		{"legacy encrypted PEM key", append(certPEM, legacyEncrypted...), "pw", nil, "openssl pkcs12 -export"},
		{"PKCS#8 encrypted PEM key", append(certPEM, pkcs8Encrypted...), "pw", nil, "openssl pkey"},
		{"truncated PKCS#12", []byte{0x30, 0x82, 0x01}, "pw", nil, "reading the PKCS#12 certificate"},
		{"neither", []byte("hello"), "", nil, "neither PEM nor PKCS#12"},
		{"empty", nil, "", nil, "neither PEM nor PKCS#12"},
	} {
		_, _, err := auth.ParseCertificate(tc.data, tc.password)
		switch {
		case err == nil:
			t.Errorf("%s: accepted", tc.name)
		case tc.is != nil && !errors.Is(err, tc.is):
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.is)
		case tc.is == nil && (errors.Is(err, auth.ErrNoPrivateKey) || errors.Is(err, auth.ErrCertificatePassword)):
			t.Errorf("%s: err = %v, matched the wrong sentinel", tc.name, err)
		case !strings.Contains(err.Error(), tc.contains):
			t.Errorf("%s: err = %q, want it to mention %q", tc.name, err, tc.contains)
		}
	}
}
