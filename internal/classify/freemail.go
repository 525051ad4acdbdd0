package classify

import (
	"bytes"
	"slices"
)

// FreeEmail reports whether an email address or domain belongs to a free or consumer mailbox
// provider (Gmail, Yahoo, Outlook/Hotmail, GMX, Yandex, QQ, Orange, Comcast and the like) or
// to a well-known disposable-address service (Mailinator, Guerrilla Mail, YOPmail, …).
//
// The input is read as Domain reads it, so "Dana@GMail.com" and "gmail.com" both match and
// an invalid input is false. A domain matches when it is
//
//   - exactly one of the domains in freeEmailDomains (see FreeEmailProviders), or
//   - one of the multi-country provider families (aol, gmx, hotmail, live, outlook, yahoo,
//     yandex) followed directly by one of the public suffixes in freeEmailSuffixes:
//     "yahoo.co.uk", "hotmail.fr", "gmx.at" and "yandex.kz" match, "notyahoo.com",
//     "yahoo.com.evil.example" and "yahoo.example" do not.
//
// Subdomains do not match: "mail.yahoo.com" and "a.gmail.com" are not mailbox domains, and
// the few real mailbox subdomains (vip.qq.com, vip.163.com, vip.126.com) are listed as
// domains of their own. The family rule can also match a provider's defensive registration
// that carries no mailboxes, which is harmless: the domain still belongs to the provider.
func FreeEmail(emailOrDomain string) bool {
	var buf [foldBufLen]byte
	d := foldDomain(&buf, emailOrDomain)
	if d == nil {
		return false
	}
	if _, ok := freeEmailSet[string(d)]; ok {
		return true
	}
	i := bytes.IndexByte(d, '.')
	if i < 0 {
		return false
	}
	_, family := freeEmailFamilies[string(d[:i])]
	_, suffix := freeEmailSuffixSet[string(d[i+1:])]
	return family && suffix
}

// FreeEmailProviders returns the exact domains FreeEmail recognises, sorted, as a new slice
// the caller may keep and modify. The provider families matched with a country suffix
// (yahoo.co.uk, hotmail.fr, …) are represented by their main domains only.
func FreeEmailProviders() []string {
	return slices.Clone(freeEmailDomains)
}

// freeEmailDomains lists free and consumer mailbox domains: the big webmail providers and
// their historic and regional domains, national webmail portals (Europe, Russia, China,
// Korea, Japan, India, Latin America), consumer ISP mailboxes (in the US, Canada, the UK,
// Australia and New Zealand), privacy mailbox services, and the best known disposable-address
// services. It is maintained by hand (not generated from any feed or public suffix data),
// keeps legacy brands whose addresses linger in CRMs (wanadoo.fr, arcor.de) and is not
// exhaustive: add a domain when a provider gives mailboxes on it to anyone who signs up,
// and keep the list sorted (byte order) and free of duplicates; a test checks both. A
// company's own domain never belongs here, even when the company also runs a mail service
// (att.com, comcast.com and orange.com are employers; att.net, comcast.net and orange.fr
// are mailboxes).
var freeEmailDomains = []string{
	"10minutemail.com",
	"126.com",
	"139.com",
	"163.com",
	"189.cn",
	"aim.com",
	"alice.it",
	"aliyun.com",
	"aol.com",
	"arcor.de",
	"asia.com",
	"att.net",
	"bellsouth.net",
	"bigpond.com",
	"bigpond.net.au",
	"bk.ru",
	"blueyonder.co.uk",
	"bol.com.br",
	"btinternet.com",
	"centrum.cz",
	"charter.net",
	"comcast.net",
	"consultant.com",
	"cox.net",
	"daum.net",
	"dispostable.com",
	"earthlink.net",
	"email.com",
	"email.cz",
	"engineer.com",
	"europe.com",
	"excite.com",
	"fastmail.com",
	"fastmail.fm",
	"foxmail.com",
	"free.fr",
	"freenet.de",
	"getnada.com",
	"gmail.com",
	"gmx.at",
	"gmx.ch",
	"gmx.com",
	"gmx.de",
	"gmx.net",
	"gmx.us",
	"googlemail.com",
	"grr.la",
	"guerrillamail.biz",
	"guerrillamail.com",
	"guerrillamail.de",
	"guerrillamail.info",
	"guerrillamail.net",
	"guerrillamail.org",
	"guerrillamailblock.com",
	"hanmail.net",
	"hey.com",
	"hotmail.com",
	"hushmail.com",
	"icloud.com",
	"ig.com.br",
	"iinet.net.au",
	"inbox.com",
	"inbox.ru",
	"interia.pl",
	"internet.ru",
	"juno.com",
	"kakao.com",
	"keemail.me",
	"laposte.net",
	"libero.it",
	"list.ru",
	"live.com",
	"lycos.com",
	"mac.com",
	"mail.com",
	"mail.ru",
	"mailbox.org",
	"maildrop.cc",
	"mailinator.com",
	"me.com",
	"msn.com",
	"myself.com",
	"nate.com",
	"naver.com",
	"netzero.net",
	"neuf.fr",
	"ntlworld.com",
	"o2.pl",
	"onet.pl",
	"op.pl",
	"optonline.net",
	"optusnet.com.au",
	"orange.fr",
	"outlook.com",
	"pm.me",
	"post.com",
	"posteo.de",
	"posteo.net",
	"proton.me",
	"protonmail.ch",
	"protonmail.com",
	"qq.com",
	"rambler.ru",
	"rediff.com",
	"rediffmail.com",
	"rocketmail.com",
	"rogers.com",
	"sbcglobal.net",
	"seznam.cz",
	"sfr.fr",
	"sharklasers.com",
	"shaw.ca",
	"sina.cn",
	"sina.com",
	"sky.com",
	"sohu.com",
	"sympatico.ca",
	"t-online.de",
	"talktalk.net",
	"telus.net",
	"temp-mail.org",
	"terra.com.br",
	"tin.it",
	"tiscali.it",
	"trashmail.com",
	"trashmail.de",
	"tuta.com",
	"tuta.io",
	"tutamail.com",
	"tutanota.com",
	"tutanota.de",
	"uol.com.br",
	"usa.com",
	"verizon.net",
	"videotron.ca",
	"vip.126.com",
	"vip.163.com",
	"vip.qq.com",
	"virgilio.it",
	"virginmedia.com",
	"wanadoo.fr",
	"web.de",
	"windowslive.com",
	"wp.pl",
	"writeme.com",
	"xtra.co.nz",
	"ya.ru",
	"yahoo.com",
	"yandex.com",
	"yandex.ru",
	"yeah.net",
	"ymail.com",
	"yopmail.com",
	"yopmail.fr",
	"yopmail.net",
	"zoho.com",
	"zohomail.com",
	"zohomail.eu",
	"zohomail.in",
}

// freeEmailFamilies are the provider names registered under many country suffixes; a
// domain made of one of them, a dot and one of freeEmailSuffixes is a free mailbox domain.
var freeEmailFamilies = setOf("aol", "gmx", "hotmail", "live", "outlook", "yahoo", "yandex")

// freeEmailSuffixes are the public suffixes the provider families are matched with: ".com"
// and country suffixes where at least one of the families hands out mailboxes (yahoo.co.jp,
// hotmail.com.br, gmx.ch, yandex.by, …). Generic suffixes that the families do not use for
// mail (".net", ".org", ".us", …) are left out: the few real mailbox domains there, such as
// gmx.net, are in freeEmailDomains. Keep it sorted.
var freeEmailSuffixes = []string{
	"ae", "at", "be", "bg", "by", "ca", "ch", "cl", "cn", "co.id", "co.il", "co.in", "co.jp",
	"co.kr", "co.nz", "co.th", "co.uk", "co.za", "com", "com.ar", "com.au", "com.br", "com.cn",
	"com.co", "com.eg", "com.hk", "com.mx", "com.my", "com.pe", "com.ph", "com.sa", "com.sg",
	"com.tr", "com.tw", "com.ua", "com.ve", "com.vn", "cz", "de", "dk", "ee", "es", "fi", "fr",
	"gr", "hr", "hu", "ie", "in", "is", "it", "jp", "kz", "li", "lt", "lu", "lv", "nl", "no",
	"pl", "pt", "ro", "rs", "ru", "se", "si", "sk", "ua",
}

var (
	freeEmailSet       = setOf(freeEmailDomains...)
	freeEmailSuffixSet = setOf(freeEmailSuffixes...)
)

// setOf builds a lookup set; the sets are built at initialisation and only read afterwards.
func setOf(values ...string) map[string]struct{} {
	m := make(map[string]struct{}, len(values))
	for _, v := range values {
		m[v] = struct{}{}
	}
	return m
}
