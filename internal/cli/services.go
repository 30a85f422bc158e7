package cli

import "github.com/spf13/cobra"

// services lists the constructors of the service commands (`o365 mail ...`,
// `o365 calendar ...`), in the order "o365 --help" shows them. A service area
// adds its constructor here: one line, the only edit it makes outside its own
// files (see doc.go).
func services() []func(*Session) *cobra.Command {
	return []func(*Session) *cobra.Command{
		newMailCommand,
		newCalendarCommand,
		newContactsCommand,
		newUsersCommand,
		newGroupsCommand,
		newCategoriesCommand,
		newDriveCommand,
		newSitesCommand,
		newListsCommand,
		newExcelCommand,
	}
}
