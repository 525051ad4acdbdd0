package classify

import "bytes"

// Academic reports whether an email address or domain belongs to a university, a school or
// an academic research institution.
//
// The input is read as Domain reads it; an invalid input is false. With the domain's labels
// written … L3.L2.L1 (L1 the top-level label), a domain is academic when
//
//   - L1 is "edu" ("mit.edu", "cs.stanford.edu", "polytechnique.edu");
//   - L2 is "edu" or "ac", L1 is a two-letter country code and there is a label before L2
//     ("unimelb.edu.au", "tsinghua.edu.cn", "ox.ac.uk", "cs.ox.ac.uk", "u-tokyo.ac.jp"); the
//     country codes marketed as generic top-level domains (io, ai, tv, fm, …), where "edu"
//     and "ac" are private registrations, are excluded;
//   - L2.L1 is a national school suffix, "ed.jp", "sch.uk" or "school.nz", with a label
//     before it, or the domain has the US school district form name.k12.ST.us;
//   - L2 starts with "uni-", "tu-" or "fh-" and L1 is "de", "uni-" or "fh-" and L1 is "at",
//     or "univ-" or "universite-" and L1 is "fr" (German and Austrian universities, technical
//     universities and Fachhochschulen, French universities: "uni-heidelberg.de",
//     "tu-berlin.de", "univ-lyon1.fr"); being a pattern, this can also match a company
//     whose name happens to start that way;
//   - the domain or one of its parents is in academicDomains, a hand-kept list of
//     universities and research institutions outside those schemes ("ethz.ch",
//     "student.ethz.ch", "kuleuven.be", "utoronto.ca", "usp.br").
//
// A subdomain of an academic domain is academic (the rules look at the end of the domain
// only); a label such as "student." or "alumni." does not make an otherwise non-academic
// domain academic. Look-alikes are not matched: "education.com", "edu-tech.io",
// "academy.com", "mac.com", "edu.com", "mit.edu.evil.example".
func Academic(emailOrDomain string) bool {
	var buf [foldBufLen]byte
	d := foldDomain(&buf, emailOrDomain)
	if d == nil {
		return false
	}
	rest, second, top := lastLabels(d)
	if string(top) == "edu" {
		return true
	}
	if len(rest) > 0 {
		if (string(second) == "edu" || string(second) == "ac") && isCountryCode(top) {
			if _, generic := genericCountryCodes[string(top)]; !generic {
				return true
			}
		}
		if _, ok := schoolSuffixes[string(d[len(rest)+1:])]; ok {
			return true
		}
		if string(top) == "us" && len(second) == 2 {
			if i := bytes.LastIndexByte(rest, '.'); i > 0 && string(rest[i+1:]) == "k12" {
				return true
			}
		}
	}
	for _, p := range academicPrefixes {
		if string(top) == p.top && len(second) > len(p.prefix) && string(second[:len(p.prefix)]) == p.prefix {
			return true
		}
	}
	for x := d; ; {
		if _, ok := academicSet[string(x)]; ok {
			return true
		}
		i := bytes.IndexByte(x, '.')
		if i < 0 {
			return false
		}
		x = x[i+1:]
	}
}

// isCountryCode reports whether a top-level label has the form of a country code.
func isCountryCode(top []byte) bool {
	return len(top) == 2 && 'a' <= top[0] && top[0] <= 'z' && 'a' <= top[1] && top[1] <= 'z'
}

// genericCountryCodes are country-code top-level domains sold as generic ones, under which
// "edu." and "ac." are ordinary private registrations rather than academic registries.
var genericCountryCodes = setOf("ai", "cc", "fm", "gg", "io", "la", "ms", "nu", "sh", "so", "tk", "to", "tv", "vc")

// schoolSuffixes are national second-level domains for schools: Japanese schools (ed.jp),
// UK schools (sch.uk) and New Zealand schools (school.nz).
var schoolSuffixes = setOf("ed.jp", "sch.uk", "school.nz")

// academicPrefixes are the name patterns of universities on national domains without an
// academic second level: the registrable label starts with prefix and the top-level label
// is top.
var academicPrefixes = []struct{ prefix, top string }{
	{"uni-", "de"}, {"tu-", "de"}, {"fh-", "de"},
	{"uni-", "at"}, {"fh-", "at"},
	{"univ-", "fr"}, {"universite-", "fr"},
}

// academicDomains lists universities, business schools and public research institutions
// whose domains fall outside the rules of Academic (a generic or national top-level domain
// with no academic second level). It is maintained by hand, is not exhaustive and favours
// the larger institutions; a domain here also covers its subdomains. Keep it sorted (byte
// order) and free of duplicates; a test checks both.
var academicDomains = []string{
	"aalto.fi",
	"aau.dk",
	"abo.fi",
	"ase.ro",
	"au.dk",
	"aueb.gr",
	"auth.gr",
	"bi.no",
	"bme.hu",
	"bmstu.ru",
	"brocku.ca",
	"carleton.ca",
	"cas.cn",
	"cbs.dk",
	"centralesupelec.fr",
	"cern.ch",
	"chalmers.se",
	"charite.de",
	"cnr.it",
	"cnrs.fr",
	"concordia.ca",
	"csic.es",
	"cuni.cz",
	"cvut.cz",
	"cyu.fr",
	"czu.cz",
	"dal.ca",
	"dcu.ie",
	"desy.de",
	"deusto.es",
	"dtu.dk",
	"duth.gr",
	"ehu.eus",
	"elte.hu",
	"em-lyon.com",
	"embl.de",
	"embl.org",
	"ens-lyon.fr",
	"ens-paris-saclay.fr",
	"ens.fr",
	"epfl.ch",
	"escp.eu",
	"ethz.ch",
	"etsmtl.ca",
	"eui.eu",
	"eur.nl",
	"fgv.br",
	"fhnw.ch",
	"fu-berlin.de",
	"fz-juelich.de",
	"grenoble-em.com",
	"gu.se",
	"hanken.fi",
	"hec.ca",
	"helsinki.fi",
	"hhs.se",
	"hi.is",
	"hku.hk",
	"hpi.de",
	"hse.ru",
	"hslu.ch",
	"hu-berlin.de",
	"hva.nl",
	"ibero.mx",
	"iit.it",
	"inria.fr",
	"inrs.ca",
	"insa-lyon.fr",
	"inserm.fr",
	"ipn.mx",
	"iscte-iul.pt",
	"itam.mx",
	"itmo.ru",
	"itu.dk",
	"jku.at",
	"jyu.fi",
	"kau.se",
	"kedgebs.com",
	"ki.se",
	"knu.ua",
	"kpfu.ru",
	"kpi.ua",
	"kth.se",
	"ktu.lt",
	"ku.dk",
	"kuleuven.be",
	"lakeheadu.ca",
	"leidenuniv.nl",
	"liu.se",
	"lmu.de",
	"lnu.se",
	"ltu.se",
	"lu.lv",
	"lu.se",
	"luiss.it",
	"lut.fi",
	"maastrichtuniversity.nl",
	"mackenzie.br",
	"mau.se",
	"maynoothuniversity.ie",
	"mcgill.ca",
	"mcmaster.ca",
	"mendelu.cz",
	"mephi.ru",
	"mipt.ru",
	"misis.ru",
	"miun.se",
	"mpg.de",
	"msu.ru",
	"mu.ie",
	"mun.ca",
	"muni.cz",
	"nmbu.no",
	"nsu.ru",
	"ntnu.no",
	"ntua.gr",
	"nuigalway.ie",
	"ontariotechu.ca",
	"oru.se",
	"oslomet.no",
	"oulu.fi",
	"polimi.it",
	"polito.it",
	"polymtl.ca",
	"psl.eu",
	"pte.hu",
	"puc-rio.br",
	"pucsp.br",
	"queensu.ca",
	"ranepa.ru",
	"riken.jp",
	"rtu.lv",
	"ru.is",
	"ru.nl",
	"ruc.dk",
	"rug.nl",
	"rwth-aachen.de",
	"ryerson.ca",
	"sciencespo.fr",
	"sdu.dk",
	"semmelweis.hu",
	"sfu.ca",
	"sissa.it",
	"skoltech.ru",
	"slu.se",
	"sns.it",
	"sorbonne-universite.fr",
	"spbstu.ru",
	"spbu.ru",
	"stuba.sk",
	"su.se",
	"taltech.ee",
	"tcd.ie",
	"tec.mx",
	"torontomu.ca",
	"trentu.ca",
	"tsu.ru",
	"tuc.gr",
	"tudelft.nl",
	"tudublin.ie",
	"tue.nl",
	"tugraz.at",
	"tuhh.de",
	"tuke.sk",
	"tum.de",
	"tuni.fi",
	"u-bordeaux.fr",
	"u-bourgogne.fr",
	"u-paris.fr",
	"u-pec.fr",
	"u-picardie.fr",
	"u-psud.fr",
	"u-szeged.hu",
	"ua.es",
	"ua.pt",
	"uab.cat",
	"uah.es",
	"uai.cl",
	"uaic.ro",
	"ualberta.ca",
	"uam.es",
	"uandes.cl",
	"uanl.mx",
	"uantwerpen.be",
	"uba.ar",
	"ubbcluj.ro",
	"ubc.ca",
	"ubi.pt",
	"uc.cl",
	"uc.pt",
	"uc3m.es",
	"uca.es",
	"uca.fr",
	"ucalgary.ca",
	"ucc.ie",
	"ucd.ie",
	"uchile.cl",
	"uclouvain.be",
	"ucm.es",
	"ucp.pt",
	"udc.es",
	"udec.cl",
	"udg.mx",
	"udp.cl",
	"uef.fi",
	"ufba.br",
	"ufc.br",
	"uff.br",
	"ufmg.br",
	"ufpe.br",
	"ufpr.br",
	"ufrgs.br",
	"ufrj.br",
	"ufsc.br",
	"ufscar.br",
	"ufv.br",
	"ugent.be",
	"ugr.es",
	"uhasselt.be",
	"uia.no",
	"uib.no",
	"uio.no",
	"uis.no",
	"uit.no",
	"uji.es",
	"ul.ie",
	"ulaval.ca",
	"ulb.be",
	"uliege.be",
	"ulisboa.pt",
	"um.es",
	"um.si",
	"uma.es",
	"umanitoba.ca",
	"uminho.pt",
	"umons.be",
	"umontpellier.fr",
	"umontreal.ca",
	"umu.se",
	"unam.mx",
	"unamur.be",
	"unav.es",
	"unb.br",
	"unb.ca",
	"unbc.ca",
	"unesp.br",
	"uni-corvinus.hu",
	"uni-lj.si",
	"uni-sofia.bg",
	"uni.lu",
	"uniba.it",
	"uniba.sk",
	"unibas.ch",
	"unibe.ch",
	"unibo.it",
	"unibocconi.it",
	"unibuc.ro",
	"unicaen.fr",
	"unicamp.br",
	"unican.es",
	"unicatt.it",
	"unict.it",
	"unideb.hu",
	"unifesp.br",
	"unifi.it",
	"unifr.ch",
	"unige.ch",
	"unige.it",
	"unil.ch",
	"unilim.fr",
	"unilu.ch",
	"unimi.it",
	"unimore.it",
	"unina.it",
	"uniovi.es",
	"unipa.it",
	"unipd.it",
	"unipi.it",
	"unipv.it",
	"uniri.hr",
	"uniroma1.it",
	"uniroma2.it",
	"uniroma3.it",
	"unisg.ch",
	"unisi.it",
	"unist.hr",
	"unistra.fr",
	"unitn.it",
	"unito.it",
	"units.it",
	"uniud.it",
	"universityofgalway.ie",
	"univr.it",
	"unizar.es",
	"unizg.hr",
	"unl.pt",
	"uoa.gr",
	"uoc.gr",
	"uoguelph.ca",
	"uoi.gr",
	"uottawa.ca",
	"up.pt",
	"upatras.gr",
	"upb.ro",
	"upjs.sk",
	"upm.es",
	"upol.cz",
	"upv.es",
	"uqam.ca",
	"uregina.ca",
	"urfu.ru",
	"urjc.es",
	"us.es",
	"usach.cl",
	"usal.es",
	"usask.ca",
	"usc.es",
	"usherbrooke.ca",
	"usi.ch",
	"usp.br",
	"ust.hk",
	"ut.ee",
	"utad.pt",
	"utfsm.cl",
	"uth.gr",
	"utoronto.ca",
	"utu.fi",
	"utwente.nl",
	"uu.nl",
	"uu.se",
	"uv.es",
	"uva.es",
	"uva.nl",
	"uvic.ca",
	"uvigo.es",
	"uvt.ro",
	"uwaterloo.ca",
	"uwindsor.ca",
	"uwo.ca",
	"uzh.ch",
	"vlerick.com",
	"vsb.cz",
	"vscht.cz",
	"vse.cz",
	"vu.lt",
	"vu.nl",
	"vub.be",
	"vut.cz",
	"wlu.ca",
	"wur.nl",
	"yorku.ca",
	"zcu.cz",
	"zhaw.ch",
}

var academicSet = setOf(academicDomains...)
