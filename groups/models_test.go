package groups_test

import (
	"testing"

	"github.com/o365go/o365/groups"
	"github.com/o365go/o365/internal/modeltest"
)

func TestModels(t *testing.T) {
	modeltest.Check(t, modeltest.Model{New: func() any { return new(groups.Conversation) }, Types: []string{"conversation"}})
	modeltest.Check(t, modeltest.Model{New: func() any { return new(groups.Thread) }, Types: []string{"conversationThread"}})
	modeltest.Check(t, modeltest.Model{New: func() any { return new(groups.Post) }, Types: []string{"post"}})
}

func TestGraphLinks(t *testing.T) { modeltest.CheckGraphLinks(t, ".") }
