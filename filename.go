package o365

import (
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxFileName is the longest name most file systems accept, in bytes.
const maxFileName = 255

// windowsReserved are device names Windows refuses as file names, with or
// without an extension.
var windowsReserved = map[string]bool{
	"con": true, "prn": true, "aux": true, "nul": true,
	"com1": true, "com2": true, "com3": true, "com4": true, "com5": true, "com6": true, "com7": true, "com8": true, "com9": true,
	"lpt1": true, "lpt2": true, "lpt3": true, "lpt4": true, "lpt5": true, "lpt6": true, "lpt7": true, "lpt8": true, "lpt9": true,
}

// SafeFileName turns a name someone else chose (an attachment's sender, a
// drive item's owner, a hostile server) into a file name that stays inside
// the directory it is saved to on every platform and says what it is: only
// the last path element is kept (both / and \ separate),
// control characters and <>:"|?* become _, invalid UTF-8 is replaced,
// invisible formatting characters are dropped (bidirectional overrides such
// as U+202E, which can show "exe.pdf" for "fdp.exe", zero-width spaces: the
// Unicode format category Cf, except the joiners U+200C and U+200D that
// scripts and emoji need), leading and trailing dots and spaces are
// dropped, Windows device names get a leading _, and the name is cut to 255
// bytes keeping its extension. When nothing usable is left ("", "..", a
// lone U+202E) the result is fallback, which must itself be safe
// ("attachment", "file").
func SafeFileName(name, fallback string) string {
	name = strings.ToValidUTF8(name, "_")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		switch {
		case unicode.Is(unicode.Cf, r) && r != 0x200c && r != 0x200d:
			return -1
		case r < 0x20 || r == 0x7f || unicode.IsControl(r):
			return '_'
		case strings.ContainsRune(`<>:"|?*`, r):
			return '_'
		case r == utf8.RuneError:
			return '_'
		}
		return r
	}, name)
	name = strings.Trim(name, ". ")
	if name == "" {
		return fallback
	}
	stem := name
	if i := strings.IndexByte(name, '.'); i >= 0 {
		stem = name[:i]
	}
	if windowsReserved[strings.ToLower(strings.TrimSpace(stem))] {
		name = "_" + name
	}
	if name = FitFileName(name, ""); strings.Trim(name, ". ") == "" {
		return fallback
	}
	return name
}

// FitFileName returns name with suffix before its extension ("report
// (1).pdf"), the stem cut (on a character boundary) so that the whole fits
// in the 255 bytes most file systems take. An extension longer than 32
// bytes counts as part of the stem.
func FitFileName(name, suffix string) string {
	return fitName(name, suffix, maxFileName)
}

func fitName(name, suffix string, limit int) string {
	ext := filepath.Ext(name)
	if len(ext) > 32 {
		ext = ""
	}
	stem := strings.TrimSuffix(name, ext)
	if cut := limit - len(suffix) - len(ext); len(stem) > cut {
		for cut > 0 && !utf8.RuneStart(stem[cut]) {
			cut--
		}
		stem = strings.TrimRight(stem[:max(cut, 0)], ". ")
	}
	return stem + suffix + ext
}
