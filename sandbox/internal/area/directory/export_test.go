package directory

import "github.com/o365go/o365/sandbox/internal/core"

// Actions are the directory's actions, for the schema test.
var Actions = []core.Action{actionCheckMemberGroups, actionCheckMemberObjects, actionGetMemberGroups, actionGetMemberObjects, actionRestore}
