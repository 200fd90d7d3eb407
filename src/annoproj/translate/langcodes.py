"""Language codes: ISO 639-1/639-3 <-> NLLB-200 (FLORES-200) and M2M-100 codes.

>>> to_nllb("hau"), to_nllb("de"), to_nllb("swa"), to_nllb("eng_Latn")
('hau_Latn', 'deu_Latn', 'swh_Latn', 'eng_Latn')
>>> to_m2m("deu"), to_m2m("en"), to_m2m("nso_Latn")
('de', 'en', 'ns')
>>> to_iso3("de"), to_iso3("swh_Latn"), to_iso1("ita")
('deu', 'swh', 'it')
"""

from __future__ import annotations

import re

from annoproj.errors import ConfigError

__all__ = [
    "M2M_CODES", "MASAKHANER_LANGUAGES", "NLLB_CODES", "lang_code", "to_iso1", "to_iso3",
    "to_m2m", "to_nllb",
]

#: The 202 language codes of NLLB-200 (FLORES-200: ISO 639-3 + ISO 15924 script).
NLLB_CODES: tuple[str, ...] = tuple("""
ace_Arab ace_Latn acm_Arab acq_Arab aeb_Arab afr_Latn ajp_Arab aka_Latn amh_Ethi apc_Arab
arb_Arab ars_Arab ary_Arab arz_Arab asm_Beng ast_Latn awa_Deva ayr_Latn azb_Arab azj_Latn
bak_Cyrl bam_Latn ban_Latn bel_Cyrl bem_Latn ben_Beng bho_Deva bjn_Arab bjn_Latn bod_Tibt
bos_Latn bug_Latn bul_Cyrl cat_Latn ceb_Latn ces_Latn cjk_Latn ckb_Arab crh_Latn cym_Latn
dan_Latn deu_Latn dik_Latn dyu_Latn dzo_Tibt ell_Grek eng_Latn epo_Latn est_Latn eus_Latn
ewe_Latn fao_Latn pes_Arab fij_Latn fin_Latn fon_Latn fra_Latn fur_Latn fuv_Latn gla_Latn
gle_Latn glg_Latn grn_Latn guj_Gujr hat_Latn hau_Latn heb_Hebr hin_Deva hne_Deva hrv_Latn
hun_Latn hye_Armn ibo_Latn ilo_Latn ind_Latn isl_Latn ita_Latn jav_Latn jpn_Jpan kab_Latn
kac_Latn kam_Latn kan_Knda kas_Arab kas_Deva kat_Geor knc_Arab knc_Latn kaz_Cyrl kbp_Latn
kea_Latn khm_Khmr kik_Latn kin_Latn kir_Cyrl kmb_Latn kon_Latn kor_Hang kmr_Latn lao_Laoo
lvs_Latn lij_Latn lim_Latn lin_Latn lit_Latn lmo_Latn ltg_Latn ltz_Latn lua_Latn lug_Latn
luo_Latn lus_Latn mag_Deva mai_Deva mal_Mlym mar_Deva min_Latn mkd_Cyrl plt_Latn mlt_Latn
mni_Beng khk_Cyrl mos_Latn mri_Latn zsm_Latn mya_Mymr nld_Latn nno_Latn nob_Latn npi_Deva
nso_Latn nus_Latn nya_Latn oci_Latn gaz_Latn ory_Orya pag_Latn pan_Guru pap_Latn pol_Latn
por_Latn prs_Arab pbt_Arab quy_Latn ron_Latn run_Latn rus_Cyrl sag_Latn san_Deva sat_Beng
scn_Latn shn_Mymr sin_Sinh slk_Latn slv_Latn smo_Latn sna_Latn snd_Arab som_Latn sot_Latn
spa_Latn als_Latn srd_Latn srp_Cyrl ssw_Latn sun_Latn swe_Latn swh_Latn szl_Latn tam_Taml
tat_Cyrl tel_Telu tgk_Cyrl tgl_Latn tha_Thai tir_Ethi taq_Latn taq_Tfng tpi_Latn tsn_Latn
tso_Latn tuk_Latn tum_Latn tur_Latn twi_Latn tzm_Tfng uig_Arab ukr_Cyrl umb_Latn urd_Arab
uzn_Latn vec_Latn vie_Latn war_Latn wol_Latn xho_Latn ydd_Hebr yor_Latn yue_Hant zho_Hans
zho_Hant zul_Latn
""".split())

#: The 100 language codes of M2M-100 (mostly ISO 639-1).
M2M_CODES: tuple[str, ...] = tuple("""
af am ar ast az ba be bg bn br bs ca ceb cs cy da de el en es et fa ff fi fr fy ga gd gl gu ha
he hi hr ht hu hy id ig ilo is it ja jv ka kk km kn ko lb lg ln lo lt lv mg mk ml mn mr ms my
ne nl no ns oc or pa pl ps pt ro ru sd si sk sl so sq sr ss su sv sw ta th tl tn tr uk ur uz vi
wo xh yi yo zh zu
""".split())

#: The languages of MasakhaNER 2.0 (ISO 639-3); bbj and pcm have no NLLB-200 code.
MASAKHANER_LANGUAGES = ("bam", "bbj", "ewe", "fon", "hau", "ibo", "kin", "lug", "luo", "mos",
                        "nya", "pcm", "sna", "swa", "tsn", "twi", "wol", "xho", "yor", "zul")

#: ISO 639-1 -> ISO 639-3.
ISO1_TO_ISO3: dict[str, str] = dict(pair.split(":") for pair in """
aa:aar ab:abk af:afr ak:aka am:amh an:arg ar:ara as:asm av:ava ay:aym az:aze ba:bak be:bel
bg:bul bh:bih bi:bis bm:bam bn:ben bo:bod br:bre bs:bos ca:cat ce:che ch:cha co:cos cr:cre
cs:ces cu:chu cv:chv cy:cym da:dan de:deu dv:div dz:dzo ee:ewe el:ell en:eng eo:epo es:spa
et:est eu:eus fa:fas ff:ful fi:fin fj:fij fo:fao fr:fra fy:fry ga:gle gd:gla gl:glg gn:grn
gu:guj gv:glv ha:hau he:heb hi:hin ho:hmo hr:hrv ht:hat hu:hun hy:hye hz:her ia:ina id:ind
ie:ile ig:ibo ii:iii ik:ipk io:ido is:isl it:ita iu:iku ja:jpn jv:jav ka:kat kg:kon ki:kik
kj:kua kk:kaz kl:kal km:khm kn:kan ko:kor kr:kau ks:kas ku:kur kv:kom kw:cor ky:kir la:lat
lb:ltz lg:lug li:lim ln:lin lo:lao lt:lit lu:lub lv:lav mg:mlg mh:mah mi:mri mk:mkd ml:mal
mn:mon mr:mar ms:msa mt:mlt my:mya na:nau nb:nob nd:nde ne:nep ng:ndo nl:nld nn:nno no:nor
nr:nbl nv:nav ny:nya oc:oci oj:oji om:orm or:ori os:oss pa:pan pi:pli pl:pol ps:pus pt:por
qu:que rm:roh rn:run ro:ron ru:rus rw:kin sa:san sc:srd sd:snd se:sme sg:sag si:sin sk:slk
sl:slv sm:smo sn:sna so:som sq:sqi sr:srp ss:ssw st:sot su:sun sv:swe sw:swa ta:tam te:tel
tg:tgk th:tha ti:tir tk:tuk tl:tgl tn:tsn to:ton tr:tur ts:tso tt:tat tw:twi ty:tah ug:uig
uk:ukr ur:urd uz:uzb ve:ven vi:vie vo:vol wa:wln wo:wol xh:xho yi:yid yo:yor za:zha zh:zho
zu:zul
""".split())

#: ISO 639-2/B (bibliographic) codes -> ISO 639-3.
_BIBLIOGRAPHIC = {"alb": "sqi", "arm": "hye", "baq": "eus", "bur": "mya", "chi": "zho",
                  "cze": "ces", "dut": "nld", "fre": "fra", "geo": "kat", "ger": "deu",
                  "gre": "ell", "ice": "isl", "mac": "mkd", "mao": "mri", "may": "msa",
                  "per": "fas", "rum": "ron", "slo": "slk", "tib": "bod", "wel": "cym"}

#: Macrolanguages (and near equivalents) -> the individual language NLLB-200 uses.
_NLLB_INDIVIDUAL = {"ara": "arb", "aym": "ayr", "aze": "azj", "est": "est", "fas": "pes",
                    "ful": "fuv", "fil": "tgl", "kau": "knc", "kur": "kmr", "lav": "lvs",
                    "mlg": "plt", "mon": "khk", "msa": "zsm", "nep": "npi", "nor": "nob",
                    "orm": "gaz", "pus": "pbt", "que": "quy", "sqi": "als", "swa": "swh",
                    "tmh": "taq", "uzb": "uzn", "yid": "ydd", "din": "dik", "ori": "ory",
                    "hbs": "hrv", "zha": "zho"}

#: Script chosen when a language has several in NLLB-200 and none is asked for.
_NLLB_SCRIPT = {"zho": "zho_Hans", "kas": "kas_Arab", "knc": "knc_Latn", "taq": "taq_Latn",
                "ace": "ace_Latn", "bjn": "bjn_Latn"}

#: M2M-100 codes that are not ISO 639-1.
_M2M_SPECIAL = {"ast": "ast", "ceb": "ceb", "ilo": "ilo", "nso": "ns"}

_ISO3_TO_ISO1 = {v: k for k, v in ISO1_TO_ISO3.items()}
# individual languages of a macrolanguage share its two-letter code
_ISO3_TO_ISO1.update({ind: _ISO3_TO_ISO1[macro] for macro, ind in _NLLB_INDIVIDUAL.items()
                      if macro in _ISO3_TO_ISO1 and ind not in _ISO3_TO_ISO1})
_ISO3_TO_ISO1["nob"] = "no"  # M2M-100 and most tools call Norwegian Bokmål "no"

_NLLB_SET = frozenset(NLLB_CODES)
_NLLB_BY_LANG: dict[str, str] = {}
for _code in NLLB_CODES:
    _lang = _code.split("_")[0]
    if _lang not in _NLLB_BY_LANG or _code.endswith("_Latn"):
        _NLLB_BY_LANG[_lang] = _code
_NLLB_BY_LANG.update(_NLLB_SCRIPT)
_FLORES = re.compile(r"^([a-z]{3})_([A-Z][a-z]{3})$")


def _clean(code: str) -> str:
    code = code.strip()
    if not code:
        raise ConfigError("empty language code")
    m = _FLORES.match(code)
    if m:
        return code
    return code.replace("-", "_").split("_")[0].lower()  # "de-DE" -> "de", "pt_BR" -> "pt"


def to_iso3(code: str) -> str:
    """The ISO 639-3 code of an ISO 639-1, 639-2, 639-3, NLLB or M2M-100 `code`."""
    code = _clean(code)
    m = _FLORES.match(code)
    if m:
        return m.group(1)
    if code == "ns":
        return "nso"
    if len(code) == 2:
        if code not in ISO1_TO_ISO3:
            raise ConfigError(f"unknown ISO 639-1 language code {code!r}")
        return ISO1_TO_ISO3[code]
    if len(code) == 3:
        return _BIBLIOGRAPHIC.get(code, code)
    raise ConfigError(f"{code!r} is not a language code (use ISO 639-1/639-3 or NLLB such as eng_Latn)")


def to_iso1(code: str) -> str | None:
    """The ISO 639-1 code of `code`, or None for a language that has none."""
    iso3 = to_iso3(code)
    return _ISO3_TO_ISO1.get(iso3)


def to_nllb(code: str) -> str:
    """The NLLB-200 (FLORES-200) code of `code`: "hau" / "ha" -> "hau_Latn"."""
    cleaned = _clean(code)
    if _FLORES.match(cleaned):
        if cleaned not in _NLLB_SET:
            raise ConfigError(f"{cleaned!r} is not one of the NLLB-200 language codes")
        return cleaned
    iso3 = to_iso3(cleaned)
    iso3 = _NLLB_INDIVIDUAL.get(iso3, iso3)
    if iso3 not in _NLLB_BY_LANG:
        raise ConfigError(f"language {code!r} ({iso3}) is not covered by NLLB-200; "
                         "pass an NLLB code such as hau_Latn if it is under another name")
    return _NLLB_BY_LANG[iso3]


def to_m2m(code: str) -> str:
    """The M2M-100 code of `code`: "deu" / "deu_Latn" -> "de"."""
    cleaned = _clean(code)
    if cleaned in M2M_CODES:
        return cleaned
    iso3 = to_iso3(cleaned)
    cand = _M2M_SPECIAL.get(iso3) or _ISO3_TO_ISO1.get(iso3)
    if cand is None or cand not in M2M_CODES:
        raise ConfigError(f"language {code!r} ({iso3}) is not covered by M2M-100")
    return cand


def lang_code(code: str, family: str) -> str:
    """`code` in the convention of a model `family`: "nllb", "m2m", or anything else (as is)."""
    if family == "nllb":
        return to_nllb(code)
    if family == "m2m":
        return to_m2m(code)
    return code
