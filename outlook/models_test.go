package outlook_test

import (
	"testing"

	"github.com/o365go/o365/internal/modeltest"
	"github.com/o365go/o365/outlook"
)

func TestModels(t *testing.T) {
	modeltest.Check(t, modeltest.Model{
		New:   func() any { return new(outlook.Attachment) },
		Types: []string{"attachment", "fileAttachment", "itemAttachment", "referenceAttachment"},
	})
	modeltest.Check(t, modeltest.Model{New: func() any { return new(outlook.Category) }, Types: []string{"outlookCategory"}})
	modeltest.Check(t, modeltest.Model{New: func() any { return new(outlook.ConvertIDResult) }, Types: []string{"convertIdResult"}})
}

func TestGraphLinks(t *testing.T) { modeltest.CheckGraphLinks(t, ".") }
