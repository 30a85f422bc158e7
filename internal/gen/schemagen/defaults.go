package main

// What Graph sends by default is not in its schema: the resource pages of
// its documentation say it. This file is that knowledge, one entry per type,
// each with its reason; the generator writes it into the table.

// roots are the entity and complex types the sandbox serves or will serve
// next. The table holds them, their base types, the types deriving from them
// that are listed here, and every complex and enum type their structural
// properties reach (for $filter paths such as from/emailAddress/address).
var roots = []string{
	// mail
	"message", "eventMessage", "eventMessageRequest", "eventMessageResponse", "attachment", "fileAttachment", "itemAttachment", "referenceAttachment",
	"mailFolder", "mailSearchFolder", "messageRule", "outlookCategory", "mailboxSettings",
	"inferenceClassificationOverride", "singleValueLegacyExtendedProperty", "multiValueLegacyExtendedProperty",
	"openTypeExtension",
	// directory
	"directoryObject", "user", "group", "organization", "profilePhoto", "person",
	// the core
	"subscription", "uploadSession",
	// calendar and contacts
	"event", "calendar", "calendarGroup", "calendarPermission", "contact", "contactFolder",
	// To Do
	"todoTaskList", "todoTask",
	// files and SharePoint
	"drive", "driveItem", "site", "list", "listItem", "columnDefinition", "contentType", "fieldValueSet",
	"driveItemVersion", "permission", "thumbnailSet", "sharedDriveItem",
	// group conversations
	"conversation", "conversationThread", "post",
	// Excel
	"workbook", "workbookWorksheet", "workbookRange", "workbookRangeFormat", "workbookTable",
	"workbookTableColumn", "workbookTableRow", "workbookNamedItem", "workbookChart", "workbookSessionInfo",
	"workbookFunctionResult",
}

// defaultsOnly lists, for types whose documentation names the default set,
// that set: every other structural property needs $select.
var defaultsOnly = map[string]struct {
	props []string
	why   string
}{
	"user": {
		props: []string{"id", "businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone",
			"officeLocation", "preferredLanguage", "surname", "userPrincipalName"},
		why: "user resource: not in the default set (businessPhones, displayName, givenName, id, jobTitle, mail, mobilePhone, officeLocation, preferredLanguage, surname, userPrincipalName); returned only on $select",
	},
	"group": {
		props: []string{"id", "deletedDateTime", "classification", "createdDateTime", "description", "displayName",
			"expirationDateTime", "groupTypes", "isAssignableToRole", "mail", "mailEnabled", "mailNickname",
			"membershipRule", "membershipRuleProcessingState", "onPremisesDomainName", "onPremisesLastSyncDateTime",
			"onPremisesNetBiosName", "onPremisesSamAccountName", "onPremisesSecurityIdentifier", "onPremisesSyncEnabled",
			"preferredDataLocation", "preferredLanguage", "proxyAddresses", "renewedDateTime", "resourceBehaviorOptions",
			"resourceProvisioningOptions", "securityEnabled", "securityIdentifier", "serviceProvisioningErrors", "theme",
			"visibility", "onPremisesProvisioningErrors"},
		why: "group resource: not marked 'Returned by default' (allowExternalSenders, assignedLicenses, isSubscribedByMail ... are 'Returned only on $select'; hasMembersWithLicenseErrors and isArchived are never returned)",
	},
}

// selectOnly lists, for the other types, the structural properties Graph
// leaves out unless $select names them, with the reason.
var selectOnly = map[string]map[string]string{
	"message": {
		"uniqueBody":             "message resource: 'uniqueBody is not returned by default but can be retrieved ... by use of the ?$select=uniqueBody query'",
		"internetMessageHeaders": "message resource: 'Returned only on applying a $select query option'; a POST answer leaves them out too",
	},
	"event": {
		"cancelledOccurrences": "event resource: 'Returned only on $select in a Get operation which specifies the id of a series master event'",
	},
	"driveItem": {
		"content": "the content stream is the item's bytes (GET .../content), never a JSON property",
	},
}

// sparse types omit unset properties instead of sending null: OneDrive and
// SharePoint's items send only the facets that apply (a file has "file", a
// folder "folder", neither sends the other as null).
// dynamic are the types whose instances hold properties the schema does
// not name, which Graph sends and lets queries name: a list item's
// fieldValueSet (its columns). The schema marks many more types open (for
// extensions), whose unknown properties Graph refuses all the same.
var dynamic = []string{"fieldValueSet"}

var sparse = []string{"baseItem", "drive", "driveItem", "site", "list", "listItem", "columnDefinition",
	"contentType", "fieldValueSet", "baseItemVersion", "driveItemVersion", "permission", "thumbnailSet", "sharedDriveItem"}
