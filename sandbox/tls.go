package sandbox

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"time"
)

// loadCert loads the TLS certificate kept next to dbPath (DB.cert.pem and
// DB.key.pem, mode 0600), or makes and stores a new one when there is none or
// it expires within a day. An in-memory store keeps it in memory only.
func (s *Server) loadCert(_ context.Context, dbPath string) error {
	certFile, keyFile := dbPath+".cert.pem", dbPath+".key.pem"
	memory := dbPath == ":memory:"
	if !memory {
		s.certFile = certFile
		certPEM, err1 := os.ReadFile(certFile)
		keyPEM, err2 := os.ReadFile(keyFile)
		if err1 == nil && err2 == nil {
			if cert, err := tls.X509KeyPair(certPEM, keyPEM); err == nil && cert.Leaf != nil &&
				cert.Leaf.NotAfter.After(s.now().Add(24*time.Hour)) {
				s.cert, s.certPEM = &cert, certPEM
				return nil
			}
		} else if !errors.Is(err1, os.ErrNotExist) && err1 != nil {
			return fmt.Errorf("sandbox: read TLS certificate: %w", err1)
		}
	}
	certPEM, keyPEM, err := selfSignedCert(s.now())
	if err != nil {
		return err
	}
	if !memory {
		if err := os.WriteFile(keyFile, keyPEM, 0o600); err != nil {
			return fmt.Errorf("sandbox: store TLS key: %w", err)
		}
		if err := os.WriteFile(certFile, certPEM, 0o600); err != nil {
			return fmt.Errorf("sandbox: store TLS certificate: %w", err)
		}
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return fmt.Errorf("sandbox: load generated TLS certificate: %w", err)
	}
	s.cert, s.certPEM = &cert, certPEM
	return nil
}

// selfSignedCert makes a one-year ECDSA certificate for the loopback names.
func selfSignedCert(now time.Time) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("sandbox: generate TLS key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return nil, nil, fmt.Errorf("sandbox: certificate serial: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "o365 sandbox", Organization: []string{"o365 for Go sandbox"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("sandbox: create TLS certificate: %w", err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("sandbox: encode TLS key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), nil
}
