package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// loginState is what `o365 login` remembers per profile, in
// $XDG_CONFIG_HOME/o365/login.json (mode 0600), so that later commands sign
// in silently the same way. It never holds a secret: for client credentials
// it names the environment variable or the certificate file to read again.
type loginState struct {
	Flow                   string   `json:"flow"` // device-code, browser, client-secret, certificate
	ClientID               string   `json:"clientId"`
	Tenant                 string   `json:"tenant,omitempty"`
	Protocol               string   `json:"protocol,omitempty"`
	Username               string   `json:"username,omitempty"`
	Scopes                 []string `json:"scopes,omitempty"`
	ClientSecretEnv        string   `json:"clientSecretEnv,omitempty"`
	Certificate            string   `json:"certificate,omitempty"`
	CertificatePasswordEnv string   `json:"certificatePasswordEnv,omitempty"`
}

// appOnly reports whether the state is a client-credentials sign-in.
func (l *loginState) appOnly() bool {
	return l.Flow == flowClientSecret || l.Flow == flowCertificate
}

// Sign-in flows.
const (
	flowDeviceCode   = "device-code"
	flowBrowser      = "browser"
	flowClientSecret = "client-secret"
	flowCertificate  = "certificate"
	// flowPassword signs in to a served sandbox as its demo user; `o365
	// login` never offers it.
	flowPassword = "password"
)

const (
	loginStateFile   = "login.json"
	sandboxTokenFile = "sandbox_token.txt"
)

// profileKey is the login.json key of a profile.
func profileKey(profile string) string {
	if profile == "" {
		return "default"
	}
	return profile
}

// readLoginStates reads login.json; a missing file is empty.
func readLoginStates(dir string) (map[string]*loginState, error) {
	path := filepath.Join(dir, loginStateFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]*loginState{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	states := map[string]*loginState{}
	if err := json.Unmarshal(data, &states); err != nil {
		return nil, WithHint(fmt.Errorf("%s is not valid JSON: %w", path, err), `delete it and run "o365 login" again`)
	}
	return states, nil
}

// writeLoginStates writes login.json atomically with mode 0600.
func writeLoginStates(dir string, states map[string]*loginState) error {
	data, err := json.MarshalIndent(states, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, loginStateFile), append(data, '\n'))
}

// writeFileAtomic writes data to a temporary file (0600) in path's directory
// and renames it over path; the directory is created 0700.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("creating %s: %w", dir, err)
	}
	f, err := os.CreateTemp(dir, filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
