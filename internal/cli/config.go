package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// The config file is $XDG_CONFIG_HOME/o365/config (else ~/.config/o365/config):
//
//	# Lines are "key = value"; "#" or ";" start a comment.
//	client_id = 00000000-0000-0000-0000-000000000000
//	tenant    = contoso.onmicrosoft.com
//	protocol  = graph
//	resource  = me
//
//	# A [section] is a profile, chosen with --profile NAME or O365_PROFILE.
//	# Its keys override the ones above.
//	[work]
//	tenant   = fabrikam.onmicrosoft.com
//	resource = user:shared@fabrikam.onmicrosoft.com
//
// Environment variables (O365_CLIENT_ID, O365_TENANT, O365_PROTOCOL,
// O365_RESOURCE, O365_SCOPES) override the file, and flags override both.

// configKeys are the keys the config file accepts, with their environment
// variables.
var configKeys = map[string]string{
	"client_id": "O365_CLIENT_ID",
	"tenant":    "O365_TENANT",
	"protocol":  "O365_PROTOCOL",
	"resource":  "O365_RESOURCE",
	"scopes":    "O365_SCOPES",
}

// configFile is a parsed config file: sections by name, "" for the keys before
// the first section.
type configFile struct {
	path     string
	sections map[string]map[string]string
}

// parseConfig reads the config format; name is used in error messages.
func parseConfig(r io.Reader, name string) (*configFile, error) {
	cf := &configFile{path: name, sections: map[string]map[string]string{"": {}}}
	section := ""
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if line[0] == '[' {
			if !strings.HasSuffix(line, "]") {
				return nil, fmt.Errorf("%s:%d: a section is written [name]", name, n)
			}
			section = strings.TrimSpace(line[1 : len(line)-1])
			if section == "" {
				return nil, fmt.Errorf("%s:%d: empty section name", name, n)
			}
			if cf.sections[section] == nil {
				cf.sections[section] = map[string]string{}
			}
			continue
		}
		key, val, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("%s:%d: want key = value", name, n)
		}
		key = strings.ToLower(strings.TrimSpace(key))
		if _, known := configKeys[key]; !known {
			return nil, fmt.Errorf("%s:%d: unknown key %q (known: %s)", name, n, key, strings.Join(knownConfigKeys(), ", "))
		}
		val = strings.TrimSpace(val)
		if len(val) >= 2 && val[0] == '"' && val[len(val)-1] == '"' {
			val = val[1 : len(val)-1]
		}
		cf.sections[section][key] = val
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	return cf, nil
}

func knownConfigKeys() []string {
	keys := make([]string, 0, len(configKeys))
	for k := range configKeys {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// loadConfig reads the config file at path; a missing file is an empty config.
func loadConfig(path string) (*configFile, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &configFile{path: path, sections: map[string]map[string]string{"": {}}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the config file: %w", err)
	}
	defer f.Close()
	return parseConfig(f, path)
}

// profile returns the settings of a profile ("" for the default): the keys
// before the first section, overridden by the section's.
func (cf *configFile) profile(name string) (map[string]string, error) {
	out := map[string]string{}
	for k, v := range cf.sections[""] {
		out[k] = v
	}
	if name == "" || name == "default" {
		return out, nil
	}
	sec, ok := cf.sections[name]
	if !ok {
		return nil, UsageError("no profile %q in %s: add a [%s] section", name, cf.path, name)
	}
	for k, v := range sec {
		out[k] = v
	}
	return out, nil
}

// settings are the resolved values for one run: flags over environment over
// the config file.
type settings struct {
	Profile  string
	ClientID string
	Tenant   string
	Protocol string
	Resource string
	Scopes   string
}

// resolveSettings merges the config file's profile, the environment and the
// flag values (non-empty flag values win).
func resolveSettings(cf *configFile, profile string, getenv func(string) string, flags settings) (settings, error) {
	vals, err := cf.profile(profile)
	if err != nil {
		return settings{}, err
	}
	for key, env := range configKeys {
		if v := getenv(env); v != "" {
			vals[key] = v
		}
	}
	s := settings{
		Profile:  profile,
		ClientID: vals["client_id"],
		Tenant:   vals["tenant"],
		Protocol: vals["protocol"],
		Resource: vals["resource"],
		Scopes:   vals["scopes"],
	}
	override := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	override(&s.ClientID, flags.ClientID)
	override(&s.Tenant, flags.Tenant)
	override(&s.Protocol, flags.Protocol)
	override(&s.Resource, flags.Resource)
	override(&s.Scopes, flags.Scopes)
	return s, nil
}

// configDir returns $XDG_CONFIG_HOME/o365, else ~/.config/o365.
func configDir(getenv func(string) string) (string, error) {
	return xdgDir(getenv, "XDG_CONFIG_HOME", ".config")
}

// dataDir returns $XDG_DATA_HOME/o365, else ~/.local/share/o365 (where
// sandbox.DefaultDBPath keeps the sandbox).
func dataDir(getenv func(string) string) (string, error) {
	return xdgDir(getenv, "XDG_DATA_HOME", filepath.Join(".local", "share"))
}

// xdgDir returns $env/o365, else ~/home/o365 (home relative to the home
// directory), reading the run's environment.
func xdgDir(getenv func(string) string, env, home string) (string, error) {
	if d := getenv(env); d != "" {
		return filepath.Join(d, "o365"), nil
	}
	h := getenv("HOME")
	if h == "" {
		var err error
		if h, err = os.UserHomeDir(); err != nil {
			return "", fmt.Errorf("no %s and no home directory: %w", env, err)
		}
	}
	return filepath.Join(h, home, "o365"), nil
}
