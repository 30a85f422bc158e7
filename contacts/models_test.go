package contacts_test

import (
	"testing"

	"github.com/o365go/o365/contacts"
	"github.com/o365go/o365/internal/modeltest"
)

func TestModels(t *testing.T) {
	modeltest.Check(t, modeltest.Model{New: func() any { return new(contacts.Contact) }, Types: []string{"contact"}})
	modeltest.Check(t, modeltest.Model{New: func() any { return new(contacts.Folder) }, Types: []string{"contactFolder"}})
}

func TestGraphLinks(t *testing.T) { modeltest.CheckGraphLinks(t, ".") }
