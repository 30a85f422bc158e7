package outlook_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/o365go/o365/mail"
	"github.com/o365go/o365/outlook"
)

// Attach a file of any size (an upload session above 3 MB) to an Outlook item
// that exists: a saved draft, an event, a To Do task. Service packages do
// this for their items (mail's Message.AttachFile and Save); a program needs
// it only for items no package wraps.
func ExampleUpload() {
	ctx := context.Background()
	var item *mail.Message // any bound model of an Outlook item that exists: here a saved draft
	a, err := outlook.NewFile("report.pdf")
	if err != nil {
		log.Fatal(err)
	}
	a.UploadProgress = func(sent, total int64) { fmt.Fprintf(os.Stderr, "\r%d/%d", sent, total) }
	if err := outlook.Upload(ctx, item, a, nil); err != nil {
		log.Fatal(err)
	}
	fmt.Println("attachment id:", a.ID)
}

// Save every attachment of an item into a folder, under safe file names.
func ExampleList() {
	ctx := context.Background()
	var item *mail.Message // any bound model of an Outlook item: here a message
	for a, err := range outlook.List(ctx, item, nil) {
		if err != nil {
			log.Fatal(err)
		}
		if a.Kind() == outlook.KindReference {
			continue // a link, no content
		}
		path, err := a.DownloadTo(ctx, "downloads")
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(path)
	}
}
