package directory_test

import (
	"testing"

	"github.com/o365go/o365/internal/modeltest"
)

func TestGraphLinks(t *testing.T) { modeltest.CheckGraphLinks(t, ".") }
