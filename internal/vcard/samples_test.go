package vcard

// Real-world samples, written for these tests from the formats' documents
// and the shapes each exporter is documented to produce. Each names its
// source.

// rfc6350Example is the complete example of RFC 6350 section 8 (vCard 4.0),
// with its folded lines.
const rfc6350Example = "BEGIN:VCARD\r\n" +
	"VERSION:4.0\r\n" +
	"FN:Simon Perreault\r\n" +
	"N:Perreault;Simon;;;ing. jr,M.Sc.\r\n" +
	"BDAY:--0203\r\n" +
	"ANNIVERSARY:20090808T1430-0500\r\n" +
	"GENDER:M\r\n" +
	"LANG;PREF=1:fr\r\n" +
	"LANG;PREF=2:en\r\n" +
	"ORG;TYPE=work:Viagenie\r\n" +
	"ADR;TYPE=work:;Suite D2-630;2875 Laurier;\r\n" +
	" Quebec;QC;G1V 2M2;Canada\r\n" +
	"TEL;VALUE=uri;TYPE=\"work,voice\";PREF=1:tel:+1-418-656-9254;ext=102\r\n" +
	"TEL;VALUE=uri;TYPE=\"work,cell,voice,video,text\":tel:+1-418-262-6501\r\n" +
	"EMAIL;TYPE=work:simon.perreault@viagenie.ca\r\n" +
	"GEO;TYPE=work:geo:46.772673,-71.282945\r\n" +
	"KEY;TYPE=work;VALUE=uri:\r\n" +
	" http://www.viagenie.ca/simon.perreault/simon.asc\r\n" +
	"TZ:-0500\r\n" +
	"URL;TYPE=home:http://nomis80.org\r\n" +
	"END:VCARD\r\n"

// rfc2426Example is the first example of RFC 2426 section 7 (vCard 3.0):
// lower-case "vCard", TYPE lists, a folded structured value.
const rfc2426Example = "BEGIN:vCard\r\n" +
	"VERSION:3.0\r\n" +
	"FN:Frank Dawson\r\n" +
	"ORG:Lotus Development Corporation\r\n" +
	"ADR;TYPE=WORK,POSTAL,PARCEL:;;6544 Battleford Drive\r\n" +
	" ;Raleigh;NC;27613-3502;U.S.A.\r\n" +
	"TEL;TYPE=VOICE,MSG,WORK:+1-919-676-9515\r\n" +
	"TEL;TYPE=FAX,WORK:+1-919-676-9564\r\n" +
	"EMAIL;TYPE=INTERNET,PREF:Frank_Dawson@Lotus.com\r\n" +
	"EMAIL;TYPE=INTERNET:fdawson@earthlink.net\r\n" +
	"URL:http://home.earthlink.net/~fdawson\r\n" +
	"END:vCard\r\n"

// outlook21 has the shape of Outlook's vCard 2.1 export (Outlook writes
// 2.1 from "Save as vCard"): bare parameters, LANGUAGE on N, non-ASCII
// text as quoted-printable in CHARSET=Windows-1252, a LABEL continued with
// soft line breaks, and the PHOTO as base64 lines ended by a blank line, as
// the vCard 2.1 specification (versit, 1996, section 2.1.3) describes.
// Line ends are CRLF, as Windows writes them.
const outlook21 = "BEGIN:VCARD\r\n" +
	"VERSION:2.1\r\n" +
	"N;LANGUAGE=de;CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE:M=FCller;J=F6rg\r\n" +
	"FN;CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE:J=F6rg M=FCller\r\n" +
	"ORG:Contoso, Ltd.;Sales\r\n" +
	"TITLE:Account Manager\r\n" +
	"TEL;WORK;VOICE:+49 30 1234567\r\n" +
	"TEL;CELL;VOICE:+49 170 1234567\r\n" +
	"ADR;WORK;PREF;CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE:;;Friedrichstra=DFe 1;Berlin;;10117;Germany\r\n" +
	"LABEL;WORK;PREF;CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE:Friedrichstra=DFe 1=0D=0A=\r\n" +
	"10117 Berlin=0D=0A=\r\n" +
	"Germany\r\n" +
	"URL;WORK:http://www.contoso.com/a,b\r\n" +
	"EMAIL;PREF;INTERNET:joerg.mueller@contoso.com\r\n" +
	"PHOTO;TYPE=GIF;ENCODING=BASE64:\r\n" +
	" R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==\r\n" +
	"\r\n" +
	"NOTE;ENCODING=QUOTED-PRINTABLE:Met at the fair; likes \\ backslashes=0D=0A=\r\n" +
	"Second line\r\n" +
	"REV:20260112T093000Z\r\n" +
	"END:VCARD\r\n"

// android21 has the shape of Android's vCard 2.1 export (the AOSP
// VCardComposer): CHARSET=UTF-8 with quoted-printable for non-ASCII text,
// an X-ANDROID-CUSTOM line, and a base64 photo whose lines start at the left
// margin. LF line ends.
const android21 = "BEGIN:VCARD\n" +
	"VERSION:2.1\n" +
	"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=D0=98=D0=B2=D0=B0=D0=BD=D0=BE=D0=B2;=D0=98=D0=B2=D0=B0=D0=BD;;;\n" +
	"FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=D0=98=D0=B2=D0=B0=D0=BD =D0=98=D0=B2=D0=B0=D0=BD=D0=BE=\n" +
	"=D0=B2\n" +
	"TEL;CELL:+7 912 345-67-89\n" +
	"X-ANDROID-CUSTOM:vnd.android.cursor.item/nickname;Ваня;1;;;;;;;;;;;;;\n" +
	"PHOTO;ENCODING=BASE64;JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD\n" +
	"/2wBDAP\n" +
	"\n" +
	"END:VCARD\n"

// apple30 has the shape of Apple Contacts' vCard 3.0 export: a UTF-8 byte
// order mark, lower-case repeated type= parameters, itemN groups with
// X-ABLabel, "\:" escaped colons in URLs, and a PHOTO;ENCODING=b;TYPE=JPEG
// folded base64 value.
const apple30 = "\ufeffBEGIN:VCARD\r\n" +
	"VERSION:3.0\r\n" +
	"PRODID:-//Apple Inc.//macOS 15.0//EN\r\n" +
	"N:Appleseed;Johnny;;;\r\n" +
	"FN:Johnny Appleseed\r\n" +
	"ORG:Apple Inc.;\r\n" +
	"EMAIL;type=INTERNET;type=WORK;type=pref:johnny@example.com\r\n" +
	"TEL;type=CELL;type=VOICE;type=pref:+1 (408) 555-0123\r\n" +
	"item1.ADR;type=HOME;type=pref:;;1 Infinite Loop;Cupertino;CA;95014;United States\r\n" +
	"item1.X-ABADR:us\r\n" +
	"item2.URL;type=pref:http\\://www.example.com/johnny\r\n" +
	"item2.X-ABLabel:_$!<HomePage>!$_\r\n" +
	"NOTE:Loves apples\\, pears\\; and\\nnewlines.\r\n" +
	"BDAY;X-APPLE-OMIT-YEAR=1604:1604-05-16\r\n" +
	"PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAP//////////////\r\n" +
	" //////////8=\r\n" +
	"X-ABUID:5AD380FD-B2DE-4261-BA99-DE1D1DB52FBE\\:ABPerson\r\n" +
	"END:VCARD\r\n"

// google30 has the shape of Google Contacts' "Export as vCard" (3.0):
// TYPE lists repeated, X-ABLabel groups for custom labels, CATEGORIES with
// Google's myContacts group, a photo by URL.
const google30 = "BEGIN:VCARD\n" +
	"VERSION:3.0\n" +
	"FN:Jane Q. Public\n" +
	"N:Public;Jane;Q.;Dr.;PhD\n" +
	"EMAIL;TYPE=INTERNET;TYPE=HOME:jane@example.org\n" +
	"EMAIL;TYPE=INTERNET:jane.public@example.com\n" +
	"TEL;TYPE=CELL:+44 7700 900123\n" +
	"ADR;TYPE=WORK:;;10 Downing Street;London;;SW1A 2AA;United Kingdom\n" +
	"item1.TEL:+44 20 7946 0000\n" +
	"item1.X-ABLabel:Switchboard\n" +
	"BDAY:1980-02-29\n" +
	"CATEGORIES:myContacts,Friends\n" +
	"PHOTO:https://lh3.googleusercontent.com/contacts/abc\n" +
	"END:VCARD\n"

// thunderbird40 has the shape of Thunderbird's vCard 4.0 export: PREF=1,
// TYPE in lower case, VALUE=TEXT on TEL, a NOTE with escaped line breaks
// folded with a tab, and a UID.
const thunderbird40 = "BEGIN:VCARD\r\n" +
	"VERSION:4.0\r\n" +
	"EMAIL;PREF=1:kim@example.net\r\n" +
	"FN:Kim Lee\r\n" +
	"N:Lee;Kim;;;\r\n" +
	"TEL;TYPE=work;VALUE=TEXT:+82 2 1234 5678\r\n" +
	"NOTE:First line\\nSecond line with a comma\\, and a semicolon; done.\\nThi\r\n" +
	"\trd line\r\n" +
	"ADR;TYPE=home:;;Sejong-daero 110;Seoul;;04524;South Korea\r\n" +
	"UID:2f4b6a12-8d1e-4c6b-9b1a-3a5e7c9d0f11\r\n" +
	"END:VCARD\r\n"
