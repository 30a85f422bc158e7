package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// Message handles. Graph's message ids are about 150 characters: no one
// types them, and a table column of them wraps every row. So the tables of
// `mail list` and `mail sync` number their rows, remember which id each
// number stands for, and every command that takes a message id also takes
// the number: `o365 mail read 3`. --json prints the full ids.
//
// The numbers live in $XDG_STATE_HOME/o365/handles.json (0600), for the
// mailbox they were listed from: a number from another profile, sandbox or
// --resource is refused rather than taken for another message.

const handlesFile = "handles.json"

// handleKind is what the numbers of a kind of table stand for: messages
// (mail list, mail sync), events (calendar agenda), contacts (contacts
// list) or a group's threads (groups conversations), each kept in its own
// file, so that listing contacts does not change what "o365 mail read 3"
// reads.
type handleKind struct {
	file, noun, list string
}

var (
	messageHandles = handleKind{file: handlesFile, noun: "message", list: "o365 mail list"}
	eventHandles   = handleKind{file: "event-handles.json", noun: "event", list: "o365 calendar agenda"}
	contactHandles = handleKind{file: "contact-handles.json", noun: "contact", list: "o365 contacts list"}
	threadHandles  = handleKind{file: "thread-handles.json", noun: "thread", list: "o365 groups conversations GROUP"}
)

// maxHandleDigits bounds what is read as a row number: Graph's ids are never
// that short, nor all digits.
const maxHandleDigits = 6

// handleList is what handles.json holds.
type handleList struct {
	// Mailbox names where the rows came from (see Session.handleMailbox).
	Mailbox string    `json:"mailbox"`
	Listed  time.Time `json:"listed"`
	IDs     []string  `json:"ids"`
}

// stateDir returns $XDG_STATE_HOME/o365, else ~/.local/state/o365.
func stateDir(getenv func(string) string) (string, error) {
	return xdgDir(getenv, "XDG_STATE_HOME", filepath.Join(".local", "state"))
}

// handleMailbox names the mailbox the run reads: the profile, the sandbox
// and the resource.
func (s *Session) handleMailbox() (string, error) {
	st, err := s.settings()
	if err != nil {
		return "", err
	}
	where := "tenant"
	switch t := s.target(); {
	case t.served():
		where = "sandbox " + t.url
	case t.embedded:
		where = "sandbox"
	}
	return fmt.Sprintf("profile %s, %s, resource %s", profileKey(st.Profile), where, firstNonEmpty(st.Resource, "me")), nil
}

// rememberHandles records that rows 1..len(ids) of the table just printed
// stand for ids. A failure to record them is reported, not fatal: the table
// is printed already.
func (s *Session) rememberHandles(ids []string) { s.remember(messageHandles, ids) }

// rememberEventHandles is rememberHandles for a table of events.
func (s *Session) rememberEventHandles(ids []string) { s.remember(eventHandles, ids) }

func (s *Session) remember(k handleKind, ids []string) {
	mailbox, err := s.handleMailbox()
	if err == nil {
		var dir string
		if dir, err = stateDir(s.app.Getenv); err == nil {
			var data []byte
			if data, err = json.Marshal(handleList{Mailbox: mailbox, Listed: time.Now().UTC(), IDs: ids}); err == nil {
				err = writeFileAtomic(filepath.Join(dir, k.file), append(data, '\n'))
			}
		}
	}
	if err != nil {
		s.Out().Notef("note: the row numbers cannot be used in later commands: %v", err)
	}
}

// isHandle reports whether arg is a row number rather than an id.
func isHandle(arg string) bool {
	if arg == "" || len(arg) > maxHandleDigits {
		return false
	}
	for _, c := range arg {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// messageIDs turns each argument that is a row number of the last listed
// table into its message id, and keeps the others (ids) as they are.
func (s *Session) messageIDs(args []string) ([]string, error) {
	return s.handleIDs(messageHandles, args)
}

// eventID turns a row number of the last agenda into its event id.
func (s *Session) eventID(arg string) (string, error) {
	ids, err := s.handleIDs(eventHandles, []string{arg})
	if err != nil {
		return "", err
	}
	return ids[0], nil
}

func (s *Session) handleIDs(k handleKind, args []string) ([]string, error) {
	var list *handleList
	out := make([]string, len(args))
	for i, arg := range args {
		if !isHandle(arg) {
			out[i] = arg
			continue
		}
		if list == nil {
			var err error
			if list, err = s.loadHandles(k); err != nil {
				return nil, err
			}
		}
		n, _ := strconv.Atoi(arg)
		if n < 1 || n > len(list.IDs) {
			return nil, UsageError("there is no row %s in the last list of %ss (it had %d)", arg, k.noun, len(list.IDs))
		}
		out[i] = list.IDs[n-1]
	}
	return out, nil
}

// messageID is messageIDs for one argument.
func (s *Session) messageID(arg string) (string, error) {
	ids, err := s.messageIDs([]string{arg})
	if err != nil {
		return "", err
	}
	return ids[0], nil
}

// loadHandles reads the numbers of the last list, for the run's mailbox.
func (s *Session) loadHandles(k handleKind) (*handleList, error) {
	dir, err := stateDir(s.app.Getenv)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(filepath.Join(dir, k.file))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, WithHint(UsageError("no %ss were listed yet, so row numbers mean nothing", k.noun),
			fmt.Sprintf(`run "%s" and use the numbers of its # column, or give the %s's id (--json shows it)`, k.list, k.noun))
	}
	if err != nil {
		return nil, err
	}
	var list handleList
	if err := json.Unmarshal(data, &list); err != nil {
		return nil, WithHint(fmt.Errorf("%s is damaged: %w", filepath.Join(dir, k.file), err), fmt.Sprintf(`run "%s" again`, k.list))
	}
	mailbox, err := s.handleMailbox()
	if err != nil {
		return nil, err
	}
	if list.Mailbox != mailbox {
		return nil, WithHint(UsageError("the row numbers are those of another mailbox's list (%s)", list.Mailbox),
			fmt.Sprintf(`run "%s" with the same --resource, --profile and sandbox first, or give the %s's id`, k.list, k.noun))
	}
	return &list, nil
}
