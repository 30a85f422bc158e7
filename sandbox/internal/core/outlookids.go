package core

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Exchange's identifiers, for every area that stores Outlook folders and
// items (mail folders and messages, calendars and events, contact folders
// and contacts, To Do tasks, attachments).
//
// They look like Exchange's because clients must cope with them: about 150
// characters of URL-safe base64 with '-', '_' and '=' padding (messages),
// 120 (folders), 68 (immutable ids), 180 (attachments). A folder keeps its
// id for life. An item is stored under its immutable id (Object.ID, from
// NewItemID or SeedItemID) and lives in a folder (Object.Parent, also its
// "parentFolderId" or, for types without that property, "_parentFolderId");
// answers carry its REST id, which names the folder too and so changes when
// the item moves, unless the request says Prefer: IdType="ImmutableId". Both
// forms are accepted in paths (Tx.GetItem), as are the older forms in
// standard base64 ('+' and '/').
//
// Layouts (little-endian lengths, as Exchange's):
//
//	folder (89 bytes):   00 03 L 00 | owner (L ASCII) | 00 | 2e 00 | entry(46): 00000000 provider(16) 0100 db(16) folder(6) 0000
//	item (113 bytes):    00 03 L 00 | owner | 00 | 46 00 | entry(70): 00000000 provider(16) 0700 db(16) folder(6) 0000 db(16) item(8)
//	immutable (51):      00 09 00 | 2e 00 | 00000000 immutableProvider(16) 0d00 db(16) item(8)
//	attachment:          the item's REST or immutable id | 01 12 00 10 00 | key(16)
//
// provider and db are derived from the owner, so ids of one mailbox do not
// resolve in another.

var (
	restPrefix      = []byte{0x00, 0x03}
	immutablePrefix = []byte{0x00, 0x09, 0x00, 0x2e, 0x00}
	// immutableProvider is the provider id immutable entry ids carry.
	immutableProvider = [16]byte{0x1d, 0x84, 0x03, 0x11, 0xaa, 0x66, 0x11, 0xcd, 0x9b, 0xc8, 0x00, 0xaa, 0x00, 0x2f, 0x84, 0x5a}
	attachmentTag     = []byte{0x01, 0x12, 0x00, 0x10, 0x00}
)

const (
	entryFolder = 0x0001
	entryItem   = 0x0007
	// immutableLen is the length of an immutable item id in bytes.
	immutableLen = 51
	// attachmentSuffixLen is what an attachment id adds to its item's.
	attachmentSuffixLen = 5 + 16
)

// mailboxKeys are the provider and database ids of owner's mailbox: its
// object id's bytes (masked for the provider), or a hash of any other
// owner name.
func mailboxKeys(owner string) (provider, db [16]byte) {
	if u, err := uuid.Parse(owner); err == nil && len(owner) == 36 {
		db = u
	} else {
		d := sha1.Sum([]byte("sandbox-mailbox/" + owner))
		copy(db[:], d[:])
	}
	for i := range provider {
		provider[i] = db[i] ^ 0x5a
	}
	return provider, db
}

var (
	idEncoding = base64.URLEncoding
	// stdToURL turns Exchange's older ids (standard base64) into REST's.
	stdToURL = strings.NewReplacer("+", "-", "/", "_")
)

// decodeID reads an id in URL-safe base64, also accepting the standard
// alphabet and missing padding.
func decodeID(id string) ([]byte, bool) {
	if id == "" || len(id) > 1024 {
		return nil, false
	}
	s := id
	if strings.ContainsAny(s, "+/") {
		s = stdToURL.Replace(s)
	}
	s = strings.TrimRight(s, "=")
	b, err := base64.RawURLEncoding.DecodeString(s)
	return b, err == nil
}

// restHeader is the mailbox part of REST ids: 00 03 L 00 owner 00.
func restHeader(b []byte, owner string) []byte {
	b = append(b, 0x00, 0x03, byte(len(owner)), 0x00)
	b = append(b, owner...)
	return append(b, 0x00)
}

// parseRestHeader returns the owner of a REST id and the rest of it.
func parseRestHeader(b []byte) (owner string, rest []byte, ok bool) {
	if len(b) < 5 || !bytes.HasPrefix(b, restPrefix) || b[3] != 0 {
		return "", nil, false
	}
	n := int(b[2])
	if len(b) < 4+n+1 || b[4+n] != 0 {
		return "", nil, false
	}
	return string(b[4 : 4+n]), b[4+n+1:], true
}

// folderEntry starts a REST id of owner's mailbox: the header, then an
// entry of n bytes and kind (entryFolder, entryItem) naming the folder
// counter of database db. An item's id goes on with the item's part.
func folderEntry(owner string, n byte, kind uint16, db [16]byte, counter [6]byte) []byte {
	provider, _ := mailboxKeys(owner)
	b := restHeader(make([]byte, 0, 4+len(owner)+1+2+int(n)+attachmentSuffixLen), owner)
	b = append(b, n, 0x00, 0, 0, 0, 0)
	b = append(b, provider[:]...)
	b = binary.LittleEndian.AppendUint16(b, kind)
	b = append(b, db[:]...)
	b = append(b, counter[:]...)
	return append(b, 0, 0)
}

// folderID builds the id of folder counter of owner.
func folderID(owner string, counter [6]byte) string {
	_, db := mailboxKeys(owner)
	return idEncoding.EncodeToString(folderEntry(owner, 0x2e, entryFolder, db, counter))
}

// parseFolderID returns the owner and counter of a folder id.
func parseFolderID(id string) (owner string, counter [6]byte, ok bool) {
	b, ok := decodeID(id)
	if !ok {
		return "", counter, false
	}
	owner, e, ok := parseRestHeader(b)
	if !ok || len(e) != 2+46 || e[0] != 0x2e || binary.LittleEndian.Uint16(e[2+4+16:]) != entryFolder {
		return "", counter, false
	}
	copy(counter[:], e[2+4+16+2+16:])
	return owner, counter, true
}

// NewFolderID returns a new id for a folder of owner's mailbox.
func NewFolderID(owner string) string {
	var c [6]byte
	rand.Read(c[:])
	return folderID(owner, c)
}

// SeedFolderID is a deterministic folder id of owner named by parts (a
// well-known folder, a seeded one).
func SeedFolderID(owner string, parts ...string) string {
	h := sha1.Sum([]byte("folder/" + owner + "/" + strings.Join(parts, "/")))
	var c [6]byte
	copy(c[:], h[:])
	return folderID(owner, c)
}

// immutableID builds an immutable item id from its mailbox database and key.
func immutableID(db [16]byte, key [8]byte) []byte {
	b := make([]byte, 0, immutableLen)
	b = append(b, immutablePrefix...)
	b = append(b, 0, 0, 0, 0)
	b = append(b, immutableProvider[:]...)
	b = append(b, 0x0d, 0x00)
	b = append(b, db[:]...)
	return append(b, key[:]...)
}

// NewItemID returns a new immutable id for an item of owner's mailbox: the
// Object.ID of a message, event, contact ...
func NewItemID(owner string) string {
	var k [8]byte
	rand.Read(k[:6])
	return itemID(owner, k)
}

// SeedItemID is a deterministic immutable item id of owner named by parts.
func SeedItemID(owner string, parts ...string) string {
	h := sha1.Sum([]byte("item/" + owner + "/" + strings.Join(parts, "/")))
	var k [8]byte
	copy(k[:6], h[:])
	return itemID(owner, k)
}

// itemID is the immutable id of the item key of owner's mailbox.
func itemID(owner string, key [8]byte) string {
	_, db := mailboxKeys(owner)
	return idEncoding.EncodeToString(immutableID(db, key))
}

// parseImmutable returns the database and key of an immutable item id.
func parseImmutable(b []byte) (db [16]byte, key [8]byte, ok bool) {
	if len(b) != immutableLen || !bytes.HasPrefix(b, immutablePrefix) {
		return db, key, false
	}
	copy(db[:], b[immutableLen-24:])
	copy(key[:], b[immutableLen-8:])
	return db, key, true
}

// itemRestBytes builds the REST id of the item key of a mailbox database
// in folder.
func itemRestBytes(owner string, folder [6]byte, db [16]byte, key [8]byte) []byte {
	b := folderEntry(owner, 0x46, entryItem, db, folder)
	b = append(b, db[:]...)
	return append(b, key[:]...)
}

// restItemFor returns the REST id bytes of immutable item id bytes imm in
// folderID, or false when either is not in Exchange's form.
func restItemFor(folderID string, imm []byte) ([]byte, bool) {
	owner, counter, ok := parseFolderID(folderID)
	if !ok {
		return nil, false
	}
	db, key, ok := parseImmutable(imm)
	if !ok {
		return nil, false
	}
	return itemRestBytes(owner, counter, db, key), true
}

// ItemRestID is the id Graph serves by default for the item itemID (its
// immutable id) in folder folderID: it changes when the item moves. An id
// not in Exchange's form (a REST id already, or another kind) comes back
// unchanged.
func ItemRestID(folderID, itemID string) string {
	imm, ok := decodeID(itemID)
	if !ok {
		return itemID
	}
	if b, ok := restItemFor(folderID, imm); ok {
		return idEncoding.EncodeToString(b)
	}
	return itemID
}

// ParseItemID reads an item id of owner's mailbox in either form. It
// returns the immutable id the item is stored under and, for a REST id,
// the folder the id names (the item must still be there for it to
// resolve); an id in neither form comes back as it is, with folder "".
func ParseItemID(owner, id string) (itemID, folder string) {
	b, ok := decodeID(id)
	if !ok {
		return id, ""
	}
	_, db := mailboxKeys(owner)
	if gotDB, key, ok := parseImmutable(b); ok {
		if gotDB != db {
			return id, ""
		}
		return idEncoding.EncodeToString(immutableID(db, key)), ""
	}
	imm, folder, ok := parseItemRest(owner, b)
	if !ok {
		return id, ""
	}
	return idEncoding.EncodeToString(imm), folder
}

// parseItemRest reads the REST id bytes b of an item of owner: its
// immutable id bytes and the folder id it names.
func parseItemRest(owner string, b []byte) (imm []byte, folder string, ok bool) {
	o, e, ok := parseRestHeader(b)
	if !ok || !strings.EqualFold(o, owner) || len(e) != 2+70 || e[0] != 0x46 {
		return nil, "", false
	}
	e = e[2:]
	if binary.LittleEndian.Uint16(e[4+16:]) != entryItem {
		return nil, "", false
	}
	var db [16]byte
	var counter [6]byte
	var key [8]byte
	copy(db[:], e[4+16+2:])
	copy(counter[:], e[4+16+2+16:])
	copy(key[:], e[70-8:])
	if _, want := mailboxKeys(owner); want != db {
		return nil, "", false
	}
	return immutableID(db, key), folderID(o, counter), true
}

// GetItem loads an Outlook item of sc by either of its ids: the immutable
// one, or a REST id naming the folder the item is in now (an id from
// before a move does not resolve, as in Exchange). Other ids are looked up
// as they are. The error wraps ErrNotFound.
func (tx *Tx) GetItem(ctx context.Context, sc Scope, id string) (*Object, error) {
	itemID, folder := ParseItemID(sc.Owner, id)
	o, err := tx.GetIn(ctx, sc, itemID)
	if err == nil && folder != "" && o.Parent != folder {
		return nil, fmt.Errorf("%s %q: %w", sc.Collection, id, ErrNotFound)
	}
	return o, err
}

// NewAttachmentID returns a new immutable id for an attachment of the item
// itemID (an immutable id).
func NewAttachmentID(itemID string) string {
	b, ok := decodeID(itemID)
	if _, _, exchange := parseImmutable(b); !ok || !exchange {
		return uuid.NewString()
	}
	var k [16]byte
	rand.Read(k[:])
	b = append(append(b, attachmentTag...), k[:]...)
	return idEncoding.EncodeToString(b)
}

// SeedAttachmentID is a deterministic attachment id of the item itemID.
func SeedAttachmentID(itemID string, parts ...string) string {
	b, ok := decodeID(itemID)
	if _, _, exchange := parseImmutable(b); !ok || !exchange {
		return SeedID(append([]string{"attachment", itemID}, parts...)...)
	}
	h := sha1.Sum([]byte("attachment/" + itemID + "/" + strings.Join(parts, "/")))
	b = append(append(b, attachmentTag...), h[:16]...)
	return idEncoding.EncodeToString(b)
}

// AttachmentRestID is the id Graph serves by default for the attachment
// attID (its immutable id) of an item in folder folderID.
func AttachmentRestID(folderID, attID string) string {
	b, ok := decodeID(attID)
	if !ok || len(b) != immutableLen+attachmentSuffixLen || !bytes.Equal(b[immutableLen:immutableLen+5], attachmentTag) {
		return attID
	}
	item, ok := restItemFor(folderID, b[:immutableLen])
	if !ok {
		return attID
	}
	return idEncoding.EncodeToString(append(item, b[immutableLen:]...))
}

// ParseAttachmentID reads an attachment id of owner's mailbox in either
// form: the immutable id it is stored under and, for a REST id, the folder
// its item must be in.
func ParseAttachmentID(owner, id string) (attID, folder string) {
	b, ok := decodeID(id)
	if !ok || len(b) < attachmentSuffixLen {
		return id, ""
	}
	item, suffix := b[:len(b)-attachmentSuffixLen], b[len(b)-attachmentSuffixLen:]
	if !bytes.HasPrefix(suffix, attachmentTag) {
		return id, ""
	}
	if db, _, ok := parseImmutable(item); ok {
		if _, want := mailboxKeys(owner); want != db {
			return id, ""
		}
		return idEncoding.EncodeToString(b), ""
	}
	imm, folder, ok := parseItemRest(owner, item)
	if !ok {
		return id, ""
	}
	return idEncoding.EncodeToString(append(imm, suffix...)), folder
}

// NewChangeKey returns a new changeKey for an Outlook item, folder or
// calendar: set it on every write (answers carry it as @odata.etag too).
func NewChangeKey() string {
	b := make([]byte, 30)
	b[0], b[4] = 0x09, 0x16
	rand.Read(b[8:])
	return base64.StdEncoding.EncodeToString(b)
}

// SeedChangeKey is a deterministic changeKey named by parts.
func SeedChangeKey(parts ...string) string {
	h := sha1.Sum([]byte("changekey/" + strings.Join(parts, "/")))
	b := make([]byte, 30)
	b[0], b[4] = 0x09, 0x16
	copy(b[8:], h[:])
	return base64.StdEncoding.EncodeToString(b)
}

// conversationIndexLen is the length of a conversation's first index.
const conversationIndexLen = 22

// filetimeBytes are the five high bytes of t as a Windows FILETIME, which
// a conversation index carries.
func filetimeBytes(t time.Time) []byte {
	ft := uint64(t.UTC().UnixNano()/100) + 116444736000000000
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], ft)
	return b[:5]
}

// NewConversationIndex starts a conversation at t: Outlook's
// conversationIndex (22 bytes, standard base64) whose GUID the
// conversation's id is made from (ConversationID).
func NewConversationIndex(t time.Time) string {
	var guid [16]byte
	rand.Read(guid[:])
	return conversationIndex(t, guid)
}

// SeedConversationIndex is NewConversationIndex with a GUID named by parts.
func SeedConversationIndex(t time.Time, parts ...string) string {
	h := sha1.Sum([]byte("conversation/" + strings.Join(parts, "/")))
	var guid [16]byte
	copy(guid[:], h[:])
	return conversationIndex(t, guid)
}

func conversationIndex(t time.Time, guid [16]byte) string {
	b := append([]byte{0x01}, filetimeBytes(t)...)
	return base64.StdEncoding.EncodeToString(append(b, guid[:]...))
}

// ReplyConversationIndex is the index of a reply at t to a message whose
// index is parent: the parent's with a five-byte child block, so the reply
// stays in the conversation. An unreadable parent starts a new one.
func ReplyConversationIndex(parent string, t time.Time) string {
	b, err := base64.StdEncoding.DecodeString(parent)
	if err != nil || len(b) < conversationIndexLen {
		return NewConversationIndex(t)
	}
	child := filetimeBytes(t)
	return base64.StdEncoding.EncodeToString(append(b, child...))
}

// ConversationID is the conversationId of owner's messages whose
// conversationIndex is index: the same conversation has another id in
// each mailbox.
func ConversationID(owner, index string) string {
	b, err := base64.StdEncoding.DecodeString(index)
	if err != nil || len(b) < conversationIndexLen {
		return ""
	}
	out := []byte{0x00, 0x04, byte(len(owner)), 0x00}
	out = append(out, owner...)
	out = append(out, 0x00, 0x10, 0x00)
	out = append(out, b[6:conversationIndexLen]...)
	return idEncoding.EncodeToString(out)
}

// outlookWebLinks are the webLink forms of the Outlook item types that
// have one: the item's REST id goes in the query.
var outlookWebLinks = map[string]string{
	"message":      "&exvsurl=1&viewmodel=ReadMessageItem",
	"eventMessage": "&exvsurl=1&viewmodel=ReadMessageItem",
	"event":        "&exvsurl=1&path=/calendar/item",
}

// webLink is the Outlook on the web address of the item of type typ whose
// REST id is id, as Graph's webLink property.
func webLink(typ, id string) string {
	suffix, ok := outlookWebLinks[typ]
	if !ok {
		return ""
	}
	return "https://outlook.office365.com/owa/?ItemID=" + url.QueryEscape(id) + suffix
}
