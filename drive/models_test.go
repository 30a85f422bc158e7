package drive_test

import (
	"testing"

	"github.com/o365go/o365/drive"
	"github.com/o365go/o365/internal/modeltest"
)

// kept: a facet the package does not model; Object keeps it in the JSON
// (RawProperty reads it, encoding writes it back).
const kept = "kept in the item's JSON (RawProperty); not modelled"

func TestModels(t *testing.T) {
	modeltest.Check(t, modeltest.Model{New: func() any { return new(drive.Item) }, Types: []string{"driveItem"}, Omitted: map[string]string{
		"content":           "the bytes: Download and Upload",
		"audio":             kept,
		"photo":             kept,
		"video":             kept,
		"bundle":            "OneDrive personal albums; " + kept,
		"location":          kept,
		"malware":           kept,
		"pendingOperations": kept,
		"publication":       "SharePoint publishing state; " + kept,
		"searchResult":      "search answers only; " + kept,
		"remoteItem.video":  kept,
	}})
	modeltest.Check(t, modeltest.Model{New: func() any { return new(drive.Info) }, Types: []string{"drive"}, Omitted: map[string]string{
		"parentReference":              "drives have none (a baseItem property)",
		"system":                       "marks a hidden system drive; " + kept,
		"quota.storagePlanInformation": kept,
	}})
	modeltest.Check(t, modeltest.Model{New: func() any { return new(drive.Version) }, Types: []string{"driveItemVersion"}, Omitted: map[string]string{
		"content":     "the bytes: Version.Download",
		"publication": "SharePoint publishing state; " + kept,
	}})
	modeltest.Check(t, modeltest.Model{New: func() any { return new(drive.Permission) }, Types: []string{"permission"}, Omitted: map[string]string{
		"sharePointIdentitySet.sharePointGroup": kept,
	}})
	modeltest.Check(t, modeltest.Model{New: func() any { return new(drive.ThumbnailSet) }, Types: []string{"thumbnailSet"}, Omitted: map[string]string{
		"thumbnail.content": "the bytes: Item.DownloadThumbnail",
	}})
}

func TestGraphLinks(t *testing.T) { modeltest.CheckGraphLinks(t, ".") }
