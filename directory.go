package o365

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"
)

// The directory's models live here, once, because several service packages
// return them: a message's sender resolves to a User, a group's members are
// DirectoryObjects, a site belongs to a Group.

// DirectoryObject is Graph's directoryObject: a member of a group, an owner,
// a manager, a deleted item, whatever its kind. ODataType says which kind
// ("#microsoft.graph.user", "#microsoft.graph.group", ...); As decodes it as
// that kind, from the JSON the service sent.
type DirectoryObject struct {
	Object
	ODataType       string    `json:"@odata.type,omitzero" o365:"readonly"`
	ID              string    `json:"id,omitzero" o365:"readonly"`
	DeletedDateTime time.Time `json:"deletedDateTime,omitzero" o365:"readonly"`
}

// Kind returns the object's kind from its @odata.type: "user", "group",
// "device", "servicePrincipal", "orgContact" ... ("" when the service sent
// none).
func (d *DirectoryObject) Kind() string {
	t := d.ODataType
	return t[strings.LastIndexByte(t, '.')+1:]
}

// As decodes the object's JSON into v, a model of its kind (a *User for a
// user), bound where the object is.
func (d *DirectoryObject) As(v any) error {
	if err := DecodeJSON(d.raw, v); err != nil {
		return err
	}
	o, err := objectOf(v)
	if err != nil {
		return err
	}
	o.acct, o.path, o.exists = d.acct, d.path, d.exists
	return nil
}

// UnmarshalJSONFrom decodes the object and keeps its JSON (see Object).
func (d *DirectoryObject) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	type plain DirectoryObject
	return DecodeObject(dec, (*plain)(d))
}

// MarshalJSON encodes the object as the service sent it, with the program's
// changes (see Object).
func (d DirectoryObject) MarshalJSON() ([]byte, error) {
	type plain DirectoryObject
	return MarshalObject((*plain)(&d))
}

// User is Graph's user: a person (or a resource account) in the directory.
// The properties Graph returns by default are here, with the ones people
// commonly $select; every other property the service sends is kept in the
// object's JSON (RawProperty).
type User struct {
	Object
	ID                string    `json:"id,omitzero" o365:"readonly"`
	DeletedDateTime   time.Time `json:"deletedDateTime,omitzero" o365:"readonly"`
	DisplayName       string    `json:"displayName,omitzero"`
	GivenName         string    `json:"givenName,omitzero"`
	Surname           string    `json:"surname,omitzero"`
	UserPrincipalName string    `json:"userPrincipalName,omitzero"`
	Mail              string    `json:"mail,omitzero"`
	MailNickname      string    `json:"mailNickname,omitzero"`
	OtherMails        []string  `json:"otherMails,omitzero"`
	ProxyAddresses    []string  `json:"proxyAddresses,omitzero" o365:"readonly"`
	// AccountEnabled is a pointer: creating a disabled account sends false.
	AccountEnabled *bool    `json:"accountEnabled,omitzero"`
	UserType       string   `json:"userType,omitzero"`
	JobTitle       string   `json:"jobTitle,omitzero"`
	Department     string   `json:"department,omitzero"`
	CompanyName    string   `json:"companyName,omitzero"`
	OfficeLocation string   `json:"officeLocation,omitzero"`
	EmployeeID     string   `json:"employeeId,omitzero"`
	EmployeeType   string   `json:"employeeType,omitzero"`
	BusinessPhones []string `json:"businessPhones,omitzero"`
	MobilePhone    string   `json:"mobilePhone,omitzero"`
	FaxNumber      string   `json:"faxNumber,omitzero"`
	StreetAddress  string   `json:"streetAddress,omitzero"`
	City           string   `json:"city,omitzero"`
	State          string   `json:"state,omitzero"`
	PostalCode     string   `json:"postalCode,omitzero"`
	Country        string   `json:"country,omitzero"`
	UsageLocation  string   `json:"usageLocation,omitzero"`
	PreferredName  string   `json:"preferredName,omitzero"`
	// PreferredLanguage is an ISO 639-1 code with a country, "en-US".
	PreferredLanguage string    `json:"preferredLanguage,omitzero"`
	AboutMe           string    `json:"aboutMe,omitzero"`
	Birthday          time.Time `json:"birthday,omitzero"`
	HireDate          time.Time `json:"hireDate,omitzero"`
	EmployeeHireDate  time.Time `json:"employeeHireDate,omitzero"`
	MySite            string    `json:"mySite,omitzero"`
	Interests         []string  `json:"interests,omitzero"`
	PastProjects      []string  `json:"pastProjects,omitzero"`
	Responsibilities  []string  `json:"responsibilities,omitzero"`
	Schools           []string  `json:"schools,omitzero"`
	Skills            []string  `json:"skills,omitzero"`
	ImAddresses       []string  `json:"imAddresses,omitzero" o365:"readonly"`
	ShowInAddressList *bool     `json:"showInAddressList,omitzero"`
	// PasswordProfile is sent when creating a user or resetting a password;
	// the service never returns the password.
	PasswordProfile               *PasswordProfile               `json:"passwordProfile,omitzero"`
	PasswordPolicies              string                         `json:"passwordPolicies,omitzero"`
	Identities                    []ObjectIdentity               `json:"identities,omitzero"`
	EmployeeOrgData               *EmployeeOrgData               `json:"employeeOrgData,omitzero"`
	OnPremisesExtensionAttributes *OnPremisesExtensionAttributes `json:"onPremisesExtensionAttributes,omitzero"`
	OnPremisesImmutableID         string                         `json:"onPremisesImmutableId,omitzero"`
	OnPremisesSyncEnabled         *bool                          `json:"onPremisesSyncEnabled,omitzero" o365:"readonly"`
	CreatedDateTime               time.Time                      `json:"createdDateTime,omitzero" o365:"readonly"`
	CreationType                  string                         `json:"creationType,omitzero" o365:"readonly"`
	ExternalUserState             string                         `json:"externalUserState,omitzero" o365:"readonly"`
	LastPasswordChangeDateTime    time.Time                      `json:"lastPasswordChangeDateTime,omitzero" o365:"readonly"`
	SecurityIdentifier            string                         `json:"securityIdentifier,omitzero" o365:"readonly"`
	AssignedLicenses              []AssignedLicense              `json:"assignedLicenses,omitzero" o365:"readonly"`
	// AgeGroup, ConsentProvidedForMinor and LegalAgeGroupClassification
	// describe minors: "Minor", "NotAdult", "Adult"; "Granted", "Denied",
	// "NotRequired".
	AgeGroup                        string    `json:"ageGroup,omitzero"`
	ConsentProvidedForMinor         string    `json:"consentProvidedForMinor,omitzero"`
	LegalAgeGroupClassification     string    `json:"legalAgeGroupClassification,omitzero" o365:"readonly"`
	IsResourceAccount               *bool     `json:"isResourceAccount,omitzero"`
	PreferredDataLocation           string    `json:"preferredDataLocation,omitzero"`
	EmployeeLeaveDateTime           time.Time `json:"employeeLeaveDateTime,omitzero"`
	ExternalUserStateChangeDateTime time.Time `json:"externalUserStateChangeDateTime,omitzero" o365:"readonly"`
	SignInSessionsValidFromDateTime time.Time `json:"signInSessionsValidFromDateTime,omitzero" o365:"readonly"`
	OnPremisesDistinguishedName     string    `json:"onPremisesDistinguishedName,omitzero" o365:"readonly"`
	OnPremisesDomainName            string    `json:"onPremisesDomainName,omitzero" o365:"readonly"`
	OnPremisesLastSyncDateTime      time.Time `json:"onPremisesLastSyncDateTime,omitzero" o365:"readonly"`
	OnPremisesSamAccountName        string    `json:"onPremisesSamAccountName,omitzero" o365:"readonly"`
	OnPremisesSecurityIdentifier    string    `json:"onPremisesSecurityIdentifier,omitzero" o365:"readonly"`
	OnPremisesUserPrincipalName     string    `json:"onPremisesUserPrincipalName,omitzero" o365:"readonly"`
}

// UnmarshalJSONFrom decodes the user and keeps its JSON (see Object).
func (u *User) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	type plain User
	return DecodeObject(dec, (*plain)(u))
}

// MarshalJSON encodes the user as the service sent it, with the program's
// changes (see Object).
func (u User) MarshalJSON() ([]byte, error) {
	type plain User
	return MarshalObject((*plain)(&u))
}

// PasswordProfile is Graph's passwordProfile.
type PasswordProfile struct {
	Password                             string `json:"password,omitzero"`
	ForceChangePasswordNextSignIn        bool   `json:"forceChangePasswordNextSignIn,omitzero"`
	ForceChangePasswordNextSignInWithMfa bool   `json:"forceChangePasswordNextSignInWithMfa,omitzero"`
}

// ObjectIdentity is Graph's objectIdentity: a way a user signs in (a local
// account's user name, a federated identity).
type ObjectIdentity struct {
	SignInType       string `json:"signInType,omitzero"`
	Issuer           string `json:"issuer,omitzero"`
	IssuerAssignedID string `json:"issuerAssignedId,omitzero"`
}

// EmployeeOrgData is Graph's employeeOrgData.
type EmployeeOrgData struct {
	Division   string `json:"division,omitzero"`
	CostCenter string `json:"costCenter,omitzero"`
}

// AssignedLicense is Graph's assignedLicense: a licence (SKU) and the
// service plans disabled in it.
type AssignedLicense struct {
	SkuID         string   `json:"skuId,omitzero"`
	DisabledPlans []string `json:"disabledPlans,omitzero"`
}

// OnPremisesExtensionAttributes is Graph's onPremisesExtensionAttributes:
// the fifteen Exchange custom attributes.
type OnPremisesExtensionAttributes struct {
	ExtensionAttribute1  string `json:"extensionAttribute1,omitzero"`
	ExtensionAttribute2  string `json:"extensionAttribute2,omitzero"`
	ExtensionAttribute3  string `json:"extensionAttribute3,omitzero"`
	ExtensionAttribute4  string `json:"extensionAttribute4,omitzero"`
	ExtensionAttribute5  string `json:"extensionAttribute5,omitzero"`
	ExtensionAttribute6  string `json:"extensionAttribute6,omitzero"`
	ExtensionAttribute7  string `json:"extensionAttribute7,omitzero"`
	ExtensionAttribute8  string `json:"extensionAttribute8,omitzero"`
	ExtensionAttribute9  string `json:"extensionAttribute9,omitzero"`
	ExtensionAttribute10 string `json:"extensionAttribute10,omitzero"`
	ExtensionAttribute11 string `json:"extensionAttribute11,omitzero"`
	ExtensionAttribute12 string `json:"extensionAttribute12,omitzero"`
	ExtensionAttribute13 string `json:"extensionAttribute13,omitzero"`
	ExtensionAttribute14 string `json:"extensionAttribute14,omitzero"`
	ExtensionAttribute15 string `json:"extensionAttribute15,omitzero"`
}

// Group is Graph's group: a Microsoft 365 group (GroupTypes holds
// "Unified"), a security group or a distribution list.
type Group struct {
	Object
	ID              string    `json:"id,omitzero" o365:"readonly"`
	DeletedDateTime time.Time `json:"deletedDateTime,omitzero" o365:"readonly"`
	DisplayName     string    `json:"displayName,omitzero"`
	Description     string    `json:"description,omitzero"`
	Mail            string    `json:"mail,omitzero" o365:"readonly"`
	MailNickname    string    `json:"mailNickname,omitzero"`
	// MailEnabled and SecurityEnabled are pointers: creating a group sends
	// both, false included.
	MailEnabled     *bool    `json:"mailEnabled,omitzero"`
	SecurityEnabled *bool    `json:"securityEnabled,omitzero"`
	GroupTypes      []string `json:"groupTypes,omitzero" o365:"createonly"`
	// Visibility is "Public", "Private" or "HiddenMembership".
	Visibility                    string                         `json:"visibility,omitzero"`
	Classification                string                         `json:"classification,omitzero"`
	Theme                         string                         `json:"theme,omitzero"`
	PreferredLanguage             string                         `json:"preferredLanguage,omitzero"`
	PreferredDataLocation         string                         `json:"preferredDataLocation,omitzero"`
	MembershipRule                string                         `json:"membershipRule,omitzero"`
	MembershipRuleProcessingState string                         `json:"membershipRuleProcessingState,omitzero"`
	IsAssignableToRole            *bool                          `json:"isAssignableToRole,omitzero" o365:"createonly"`
	ResourceBehaviorOptions       []string                       `json:"resourceBehaviorOptions,omitzero" o365:"createonly"`
	ResourceProvisioningOptions   []string                       `json:"resourceProvisioningOptions,omitzero" o365:"createonly"`
	UniqueName                    string                         `json:"uniqueName,omitzero"`
	ProxyAddresses                []string                       `json:"proxyAddresses,omitzero" o365:"readonly"`
	CreatedDateTime               time.Time                      `json:"createdDateTime,omitzero" o365:"readonly"`
	ExpirationDateTime            time.Time                      `json:"expirationDateTime,omitzero" o365:"readonly"`
	RenewedDateTime               time.Time                      `json:"renewedDateTime,omitzero" o365:"readonly"`
	SecurityIdentifier            string                         `json:"securityIdentifier,omitzero" o365:"readonly"`
	OnPremisesSyncEnabled         *bool                          `json:"onPremisesSyncEnabled,omitzero" o365:"readonly"`
	OnPremisesExtensionAttributes *OnPremisesExtensionAttributes `json:"onPremisesExtensionAttributes,omitzero"`
	AssignedLicenses              []AssignedLicense              `json:"assignedLicenses,omitzero" o365:"readonly"`
	// The properties below are returned only with $select, and only for
	// Microsoft 365 groups.
	AllowExternalSenders    *bool `json:"allowExternalSenders,omitzero"`
	AutoSubscribeNewMembers *bool `json:"autoSubscribeNewMembers,omitzero"`
	HideFromAddressLists    *bool `json:"hideFromAddressLists,omitzero"`
	HideFromOutlookClients  *bool `json:"hideFromOutlookClients,omitzero"`
	IsSubscribedByMail      *bool `json:"isSubscribedByMail,omitzero" o365:"readonly"`
	UnseenCount             int   `json:"unseenCount,omitzero" o365:"readonly"`
}

// UnmarshalJSONFrom decodes the group and keeps its JSON (see Object).
func (g *Group) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	type plain Group
	return DecodeObject(dec, (*plain)(g))
}

// MarshalJSON encodes the group as the service sent it, with the program's
// changes (see Object).
func (g Group) MarshalJSON() ([]byte, error) {
	type plain Group
	return MarshalObject((*plain)(&g))
}

// ProfilePhoto is Graph's profilePhoto: what a user's, group's or contact's
// picture is at one size. ID names the size ("240X240"; "default" on some
// services); the image itself is the photo's $value.
type ProfilePhoto struct {
	Object
	ID     string `json:"id,omitzero" o365:"readonly"`
	Width  int    `json:"width,omitzero" o365:"readonly"`
	Height int    `json:"height,omitzero" o365:"readonly"`
	// ContentType is the image's media type ("image/jpeg") and ETag
	// changes with the image.
	ContentType string `json:"@odata.mediaContentType,omitzero" o365:"readonly"`
	ETag        string `json:"@odata.mediaEtag,omitzero" o365:"readonly"`
}

// UnmarshalJSONFrom decodes the photo's metadata and keeps its JSON (see
// Object).
func (p *ProfilePhoto) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	type plain ProfilePhoto
	return DecodeObject(dec, (*plain)(p))
}

// MarshalJSON encodes the photo's metadata as the service sent it (see
// Object).
func (p ProfilePhoto) MarshalJSON() ([]byte, error) {
	type plain ProfilePhoto
	return MarshalObject((*plain)(&p))
}

// MaxPhotoSize is the largest photo Graph accepts for a user, group or
// contact.
const MaxPhotoSize = 4 << 20

// DownloadPhoto writes the image of a photo to w and returns its media
// type. photoPath is the photo's path relative to the account's resource
// (or, with a leading "/", to the service root): "photo" for the resource's
// own, "/users/{id}/photos/96x96", "contacts/{id}/photo". The error
// matches ErrNotFound when there is no photo.
//
// Graph: GET .../photo/$value (https://learn.microsoft.com/graph/api/profilephoto-get).
func DownloadPhoto(ctx context.Context, a *Account, photoPath string, w io.Writer) (contentType string, err error) {
	resp, err := a.Do(ctx, &Request{Path: photoPath + "/$value"}, w)
	if err != nil {
		return "", err
	}
	return resp.Header.Get("Content-Type"), nil
}

// UploadPhoto sets the photo at photoPath (see DownloadPhoto): a JPEG, PNG
// or GIF image of at most MaxPhotoSize bytes, with its media type
// ("image/jpeg"). The checks are made before anything is sent.
//
// Graph: PUT .../photo/$value (https://learn.microsoft.com/graph/api/profilephoto-update).
func UploadPhoto(ctx context.Context, a *Account, photoPath, contentType string, data []byte) error {
	if !strings.HasPrefix(contentType, "image/") {
		return fmt.Errorf("o365: upload photo: media type %q is not an image type (image/jpeg, image/png)", contentType)
	}
	if len(data) == 0 || len(data) > MaxPhotoSize {
		return fmt.Errorf("o365: upload photo: %d bytes; a photo has 1 to %d bytes", len(data), MaxPhotoSize)
	}
	_, err := a.Do(ctx, &Request{Method: http.MethodPut, Path: photoPath + "/$value", Body: data, ContentType: contentType}, nil)
	return err
}
