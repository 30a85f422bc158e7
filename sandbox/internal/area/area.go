// Package area lists the sandbox's service areas. Each area is a package
// below this one, built on sandbox/internal/core only; adding an area is
// adding its package and one line to All.
package area

import (
	"github.com/o365go/o365/sandbox/internal/area/calendar"
	"github.com/o365go/o365/sandbox/internal/area/contacts"
	"github.com/o365go/o365/sandbox/internal/area/conversations"
	"github.com/o365go/o365/sandbox/internal/area/directory"
	"github.com/o365go/o365/sandbox/internal/area/drive"
	"github.com/o365go/o365/sandbox/internal/area/excel"
	"github.com/o365go/o365/sandbox/internal/area/mail"
	"github.com/o365go/o365/sandbox/internal/area/sharepoint"
	"github.com/o365go/o365/sandbox/internal/core"
)

// All returns the areas every sandbox serves, in seeding order.
func All() []core.Area {
	return []core.Area{
		directory.Area(),
		mail.Area(),
		calendar.Area(),
		contacts.Area(),
		conversations.Area(),
		drive.Area(),
		sharepoint.Area(),
		excel.Area(),
	}
}
