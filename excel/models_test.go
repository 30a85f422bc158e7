package excel_test

import (
	"testing"

	"github.com/o365go/o365/excel"
	"github.com/o365go/o365/internal/modeltest"
)

func TestModels(t *testing.T) {
	noID := map[string]string{"id": "Excel addresses it by position, name or address, not by id"}
	modeltest.Check(t, modeltest.Model{New: func() any { return new(excel.Worksheet) }, Types: []string{"workbookWorksheet"}})
	modeltest.Check(t, modeltest.Model{New: func() any { return new(excel.Table) }, Types: []string{"workbookTable"}})
	modeltest.Check(t, modeltest.Model{New: func() any { return new(excel.TableRow) }, Types: []string{"workbookTableRow"}, Omitted: noID})
	modeltest.Check(t, modeltest.Model{New: func() any { return new(excel.TableColumn) }, Types: []string{"workbookTableColumn"}})
	modeltest.Check(t, modeltest.Model{New: func() any { return new(excel.NamedItem) }, Types: []string{"workbookNamedItem"}, Omitted: noID})
	modeltest.Check(t, modeltest.Model{New: func() any { return new(excel.Range) }, Types: []string{"workbookRange"}, Omitted: noID})
}

func TestGraphLinks(t *testing.T) { modeltest.CheckGraphLinks(t, ".") }
