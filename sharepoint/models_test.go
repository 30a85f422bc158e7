package sharepoint_test

import (
	"testing"

	"github.com/o365go/o365/internal/modeltest"
	"github.com/o365go/o365/sharepoint"
)

func TestModels(t *testing.T) {
	modeltest.Check(t, modeltest.Model{New: func() any { return new(sharepoint.Site) }, Types: []string{"site"}, Omitted: map[string]string{
		"error":                          "set only on the entries of followedSites/add and /remove, which FollowSites reports as errors",
		"siteCollection.archivalDetails": "archiving is managed in the SharePoint admin center; kept in the JSON",
	}})
	modeltest.Check(t, modeltest.Model{New: func() any { return new(sharepoint.List) }, Types: []string{"list"}})
	modeltest.Check(t, modeltest.Model{New: func() any { return new(sharepoint.ListItem) }, Types: []string{"listItem"}})
	kind := "a column kind the package does not model (kept in the JSON)"
	modeltest.Check(t, modeltest.Model{New: func() any { return new(sharepoint.Column) }, Types: []string{"columnDefinition"}, Omitted: map[string]string{
		"contentApprovalStatus": kind, "geolocation": kind, "term": kind, "thumbnail": kind,
	}})
	modeltest.Check(t, modeltest.Model{New: func() any { return new(sharepoint.ContentType) }, Types: []string{"contentType"}, Omitted: map[string]string{
		"associatedHubsUrls": "content type hubs are not managed by this package; kept in the JSON",
		"documentSet":        "document sets are not managed by this package; kept in the JSON",
		"documentTemplate":   "document sets are not managed by this package; kept in the JSON",
		"order":              "only meaningful inside a list's content type order; kept in the JSON",
		"propagateChanges":   "an instruction for updates of site content types, which the package does not make",
	}})
}

func TestGraphLinks(t *testing.T) { modeltest.CheckGraphLinks(t, ".") }
