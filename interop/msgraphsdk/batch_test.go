package msgraphsdk

import (
	"context"
	"errors"
	"fmt"
	"testing"

	abstractions "github.com/microsoft/kiota-abstractions-go"
	msgraphcore "github.com/microsoftgraph/msgraph-sdk-go-core"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"
	"github.com/microsoftgraph/msgraph-sdk-go/users"

	"github.com/o365go/o365/sandbox"
)

// The SDK decodes a failed batch item with the error factory registered
// for batches; programs register Graph's, as here.
func init() {
	msgraphcore.RegisterError(msgraphcore.BatchRequestErrorRegistryKey, abstractions.ErrorMappings{
		"4XX": odataerrors.CreateODataErrorFromDiscriminatorValue,
		"5XX": odataerrors.CreateODataErrorFromDiscriminatorValue,
	})
}

// TestBatch sends JSON batches built by the SDK from its own request
// builders: reads and writes, dependsOn, an item that fails, typed results
// with GetBatchResponseById, and a BatchRequestCollection larger than one
// batch.
func TestBatch(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, mb := range e.mailboxes() {
		t.Run(mb.mode, func(t *testing.T) {
			adapter := mb.client.GetAdapter()
			batch := msgraphcore.NewBatchRequest(adapter)

			getUser, err := mb.user.ToGetRequestInformation(ctx, nil)
			must(t, "user request", err)
			userItem, err := batch.AddBatchRequestStep(*getUser)
			must(t, "add user", err)

			top := int32(2)
			list, err := mb.user.MailFolders().ByMailFolderId("inbox").Messages().ToGetRequestInformation(ctx,
				&users.ItemMailFoldersItemMessagesRequestBuilderGetRequestConfiguration{
					QueryParameters: &users.ItemMailFoldersItemMessagesRequestBuilderGetQueryParameters{Top: &top, Select: []string{"subject"}}})
			must(t, "list request", err)
			listItem, err := batch.AddBatchRequestStep(*list)
			must(t, "add list", err)

			folder := models.NewMailFolder()
			folder.SetDisplayName(ptr("Batched " + mb.mode))
			create, err := mb.user.MailFolders().ToPostRequestInformation(ctx, folder, nil)
			must(t, "create request", err)
			createItem, err := batch.AddBatchRequestStep(*create)
			must(t, "add create", err)

			// Listing the folders after the create sees the new folder.
			folders, err := mb.user.MailFolders().ToGetRequestInformation(ctx, &users.ItemMailFoldersRequestBuilderGetRequestConfiguration{
				QueryParameters: &users.ItemMailFoldersRequestBuilderGetQueryParameters{Top: ptr(int32(100))}})
			must(t, "folders request", err)
			foldersItem, err := batch.AddBatchRequestStep(*folders)
			must(t, "add folders", err)
			foldersItem.DependsOnItem(createItem)

			missing, err := mb.user.Messages().ByMessageId("AAMkAGNoSuchMessage").ToGetRequestInformation(ctx, nil)
			must(t, "missing request", err)
			missingItem, err := batch.AddBatchRequestStep(*missing)
			must(t, "add missing", err)

			resp, err := batch.Send(ctx, adapter)
			must(t, "send batch", err)
			if codes := resp.GetStatusCodes(); len(codes) != 5 || codes[deref(createItem.GetId())] != 201 || codes[deref(missingItem.GetId())] != 404 {
				t.Fatalf("status codes: %v", codes)
			}
			if failed := resp.GetFailedResponses(); len(failed) != 1 {
				t.Fatalf("failed responses: %v", failed)
			}

			user, err := msgraphcore.GetBatchResponseById[models.Userable](resp, deref(userItem.GetId()), models.CreateUserFromDiscriminatorValue)
			must(t, "user result", err)
			if deref(user.GetMail()) != mb.mail {
				t.Fatalf("batched user is %q", deref(user.GetMail()))
			}
			msgs, err := msgraphcore.GetBatchResponseById[models.MessageCollectionResponseable](resp, deref(listItem.GetId()), models.CreateMessageCollectionResponseFromDiscriminatorValue)
			must(t, "list result", err)
			if len(msgs.GetValue()) != 2 || msgs.GetOdataNextLink() == nil {
				t.Fatalf("batched list: %d messages, nextLink %v", len(msgs.GetValue()), msgs.GetOdataNextLink())
			}
			created, err := msgraphcore.GetBatchResponseById[models.MailFolderable](resp, deref(createItem.GetId()), models.CreateMailFolderFromDiscriminatorValue)
			must(t, "create result", err)
			all, err := msgraphcore.GetBatchResponseById[models.MailFolderCollectionResponseable](resp, deref(foldersItem.GetId()), models.CreateMailFolderCollectionResponseFromDiscriminatorValue)
			must(t, "folders result", err)
			found := false
			for _, f := range all.GetValue() {
				found = found || deref(f.GetId()) == deref(created.GetId())
			}
			if !found {
				t.Fatalf("the list that depends on the create does not hold the new folder")
			}
			_, err = msgraphcore.GetBatchResponseById[models.Messageable](resp, deref(missingItem.GetId()), models.CreateMessageFromDiscriminatorValue)
			var odata *odataerrors.ODataError
			if !errors.As(err, &odata) || odata.GetErrorEscaped() == nil || deref(odata.GetErrorEscaped().GetCode()) != "ErrorItemNotFound" {
				t.Fatalf("missing message in a batch: %v", err)
			}

			// A collection of 25 requests goes as two batches.
			coll := msgraphcore.NewBatchRequestCollection(adapter)
			var ids []string
			for i := range 25 {
				d := newMessage(fmt.Sprintf("batched draft %d", i), "x", sandbox.DemoCarol)
				info, err := mb.user.Messages().ToPostRequestInformation(ctx, d, nil)
				must(t, "draft request", err)
				item, err := coll.AddBatchRequestStep(*info)
				must(t, "add draft", err)
				ids = append(ids, deref(item.GetId()))
			}
			cresp, err := coll.Send(ctx, adapter)
			must(t, "send collection", err)
			for i, id := range ids {
				d, err := msgraphcore.GetBatchResponseById[models.Messageable](cresp, id, models.CreateMessageFromDiscriminatorValue)
				must(t, "draft result", err)
				if deref(d.GetSubject()) != fmt.Sprintf("batched draft %d", i) || !deref(d.GetIsDraft()) {
					t.Fatalf("draft %d: %q", i, deref(d.GetSubject()))
				}
			}
		})
	}
}
