package outlook

import "github.com/o365go/o365"

// SafeFileName turns an attachment name chosen by a sender into a file name
// that stays inside the directory it is saved to on every platform (see
// o365.SafeFileName); when nothing usable is left it is "attachment".
func SafeFileName(name string) string { return o365.SafeFileName(name, "attachment") }
