"""DaCHS's RD vocabulary (DaCHS 2.7's reference): what DR accepts with a warning.

The policy (RD-VOCABULARY.md): an element or attribute DaCHS publishers use
that DR does not implement yet loads with a warning naming file, line and
element; a name outside this vocabulary is an error.  The element classes
come first: a name found there is DR's; the lists here hold all of DaCHS's
names, so whatever DR lacks is DaCHS vocabulary.  DaCHS lets every attribute
be written as a child element, so attribute names are element names too.
"""

from __future__ import annotations

from rd.dachs_children import DACHS_CHILDREN

_ELEMENTS_PROPER = frozenset("""
    DEFAULTS EDIT FEED LFEED LOOP NXSTREAM PRUNE STREAM adql adqlCore alias
    allProfiles allowed and apply armor asPars at auto autoAtomize autoCols autoNull
    auxiliary bail binaryGrammar binaryRecordDef bind binfmt buildFrom cBooster
    caseless cdfHeaderGrammar cluster code codeFrags codeItems col colDefs column
    columnGrammar columnRef columns combining commentIntroducer commentPat
    commentPattern condDesc contextGrammar core coreProc coverage csvGrammar
    csvItems customCore customDF customFlags customGrammar customPage customRF data
    dataFormatter dataFunction datalinkCore dataset dbCore debug debugCore default
    defaultRenderer delimiter dependents deprecated description descriptorGenerator
    dest destDD dictlistGrammar directGrammar displayHint distinct dm dmRoles doc
    dupePolicy embeddedGrammar enc events every exclusive execute extension
    fancyQueryCore fieldRef fieldSep fieldsFrom fileName fillFactor fitsProdGrammar
    fitsTableGrammar fixedQueryCore fixedSQL fixup forceUnique foreignKey formatter
    freeREGrammar fromdb fromdbUpdating fromfile group groupBy gunzip gzippedInput
    hdf5Grammar hdu hdusField hidden httpAuthKey httpChunkSize httpHonorRedirects
    httpMethod httpUpload idmaps ignoreBadRecords ignoreJunk ignoreOn ignoreSources
    imports inTable index inputKey inputTD inputTable inputUnit isDispatching item
    items iterator job joiner key keyIs keyMissing keyNull keyPresent
    keyValueGrammar kind kvSeparators lang late lateEvents lax limit limitTo
    listItems lowerKeys macDef make makeQuery map mapKeys max maxHeaderBlocks median
    meta metaMaker metaOnly method min mixin mixinDef mixinPar mocOrder module
    multiOk multiplicity mySQLDumpGrammar name namePath names nanIsNULL nestedMeta
    normalizeWhitespace not note notify nrows nullCore nullExcs nullExpr nullGrammar
    nullLiteral odbcGrammar onDisk option options original outputField outputTable
    pairSeparators par parSet param paramRef pargetter parmaker parseRE passivate
    pattern patterns pdsGrammar percentile03 percentile97 phraseMaker postPayload
    preFilter preparse primary procApp procDef processEarly processLate productCore
    property publish publishSSAPMIXC pythonCore qnd queriedTable query reGrammar
    readProfiles recordCleaner recordSep recordSize recreateAfter recurse reexpand
    ref regSuite regTest registryCore remakeOnDataChange render require required
    requires resRec resdir resource role rowProduction rowSource rowfilter rowmaker
    rowsetGrammar schema script scsCore select semantics sequential service services
    sets setup showItems siapCutoutCore silent simplemaps skipBytes sortKey source
    sourceFields sourceTable sources spaceTable spatial spectral spectralTable
    spectrum splitChar ssapCore stc stcUtype std stopPat strip stripTokens style
    system table tablehead tags tapCore template temporal temporary timeTable
    timeout title topIgnoredLines transparentGrammar type ucd unit updater updating
    uploadCore url utype value values var verbLevel viewStatement voTableGrammar
    wantsRow widgetFactory writable xmlGrammar xtype yieldPairs
""".split())

DACHS_ATTRIBUTES = frozenset("""
    adql alias allProfiles allowed armor asPars at auto autoAtomize autoCols
    autoNull auxiliary bail binfmt buildFrom cBooster caseless cluster code
    codeFrags codeItems col colDefs columns combining commentIntroducer commentPat
    commentPattern content_ copy core csvItems customFlags customPage dataset debug
    default defaultRenderer delimiter dependents deprecated description dest destDD
    displayHint distinct dmRoles doc dupePolicy enc every exclusive extension
    fieldSep fieldsFrom fileName fillFactor fixedSQL fixup forceUnique format
    formatter fromdb fromdbUpdating fromfile groupBy gunzip gzippedInput hdu
    hdusField hidden httpAuthKey httpChunkSize httpHonorRedirects httpMethod idmaps
    ignoreBadRecords ignoreJunk ignoreOn imports inTable inputTD inputUnit
    isDispatching isGlob item items joiner key kind kvSeparators lang late lax limit
    limitTo listItems lowerKeys map mapKeys max maxHeaderBlocks maxRecords median
    metaOnly method min mocOrder module multiOk multiplicity name namePath names
    nanIsNULL normalizeWhitespace note notify nrows nullExcs nullExpr nullLiteral
    onDisk options original pairSeparators parSet parmaker parseRE passivate
    patterns percentile03 percentile97 postPayload preFilter preparse primary
    procDef property qnd queriedTable query readProfiles recordCleaner recordSep
    recordSize recurse reexpand ref remakeOnDataChange render require required
    resdir role rowProduction rowSource rowfilter rowmaker schema select semantics
    sequential service services sets showItems silent simplemaps skipBytes sortKey
    source sourceTable spaceTable spatial spectral spectralTable splitChar stc
    stcUtype std stopPat strip stripTokens style system table tablehead tags
    template temporal temporary timeTable timeout title topIgnoredLines type ucd
    unit updating utype value verbLevel viewStatement wantsRow widgetFactory
    writable xtype yieldPairs
""".split())

DACHS_ELEMENTS = _ELEMENTS_PROPER | DACHS_ATTRIBUTES


def misplaced(parent: str, tag: str) -> bool:
    """Whether ``tag`` is DaCHS vocabulary that DaCHS does not allow inside ``parent``
    (a column inside a data element, say): an error, not a warning."""
    allowed = DACHS_CHILDREN.get(parent)
    return allowed is not None and tag in DACHS_ELEMENTS and tag not in allowed

# The renderers, cores and grammars of DaCHS; what DR lacks of them makes a
# service unavailable or a data element unimportable, with the reason.
DACHS_RENDERERS = frozenset("""
    admin api async availability capabilities coverage custom dali dlasync dlget
    dlmeta edition examples external fixed form get howtocite info mupload
    pubreg.xml qp rdinfo scs.xml siap.xml siap2.xml slap.xml soap ssap.xml static
    sync tableMetadata tableinfo tablenote tables upload uws.xml volatile
""".split())

DACHS_CORES = frozenset("""
    adqlCore customCore datalinkCore dbCore debugCore fancyQueryCore fixedQueryCore
    nullCore productCore pythonCore registryCore scsCore siapCutoutCore ssapCore
    tapCore uploadCore
""".split())

DACHS_GRAMMARS = frozenset("""
    binaryGrammar cdfHeaderGrammar columnGrammar contextGrammar csvGrammar
    customGrammar dictlistGrammar directGrammar embeddedGrammar fitsProdGrammar
    fitsTableGrammar freeREGrammar hdf5Grammar keyValueGrammar mySQLDumpGrammar
    nullGrammar odbcGrammar pdsGrammar reGrammar rowsetGrammar transparentGrammar
    voTableGrammar xmlGrammar
""".split())

# System RD elements of DaCHS (mixins, procedures, streams); those DR does not
# provide load with a warning, other references are errors.
DACHS_SYSTEM_IDS = frozenset("""
    //datalink#fromtable //echelle#setSSAMeta //echelle#ssacols
    //epntap2#localfile-2_0 //epntap2#populate-2_0 //epntap2#populate-localfile-2_0
    //epntap2#table-2_0 //linetap#populate-0 //linetap#table-0 //obscore#ObsCore
    //obscore#_publishCommon //obscore#obscore-columns //obscore#publish
    //obscore#publishObscoreLike //obscore#publishSIAP //obscore#publishSSAPHCD
    //obscore#publishSSAPMIXC //obsvis#publish //pql#DALIPars //pql#DALIUpload
    //pql#coneParameter //pql#dateParameter //pql#floatParameter
    //pql#irStringParameter //pql#stringParameter //procs#debug
    //procs#declare-indexes-from //procs#dictMap //procs#expandComma
    //procs#expandDates //procs#expandIntegers //procs#fullQuery
    //procs#license-cc-by //procs#license-cc-by-sa //procs#license-cc0
    //procs#makeRangeQuery //procs#mapValue //procs#negatableBoolean
    //procs#printRow //procs#rangeCond //procs#resolveObject //procs#simpleSelect
    //products#define //products#hackProductsData //products#prodcolUsertable
    //products#products //products#table //scs#coreDescs //scs#makeSpointCD
    //scs#pgs-pos-index //scs#q3cindex //scs#splitPosIndex //scs#spoint-index-def
    //siap#bbox //siap#computeInputBase //siap#computePGS //siap#getBandFromFilter
    //siap#humanInput //siap#pgs //siap#protoInput //siap#setMeta
    //siap2#equalityConstraint //siap2#intervalConstraint //siap2#intervalMatcher
    //siap2#parameters //siap2#sitewide //slap#basic //slap#fillBasic
    //soda#fits_doSCALE //soda#fits_doWCSCutout //soda#fits_formatHDUs
    //soda#fits_genDesc //soda#fits_genKindPar //soda#fits_genPixelPar
    //soda#fits_makeBANDMeta //soda#fits_makeBANDSlice //soda#fits_makeCIRCLEMeta
    //soda#fits_makeCIRCLESlice //soda#fits_makeHDUList //soda#fits_makePOLYGONMeta
    //soda#fits_makePOLYGONSlice //soda#fits_makePOSMeta //soda#fits_makeSCALEMeta
    //soda#fits_makeSODAPOS //soda#fits_makeWCSParams //soda#fits_standardBANDCutout
    //soda#fits_standardDLFuncs //soda#fits_translateSODAPOS
    //soda#fromStandardPubDID //soda#generateProduct //soda#sdm_cutout
    //soda#sdm_format //soda#sdm_genData //soda#sdm_genDesc
    //soda#sdm_plainfluxcalib //soda#trivialFormatter //ssap#atomicCoords
    //ssap#feedSSAToSDM //ssap#fill-plainlocation //ssap#hcd //ssap#hcd_condDescs
    //ssap#instance //ssap#mixc //ssap#obscore-time-index //ssap#parablePQLPar
    //ssap#plainlocation //ssap#sdm-instance //ssap#setMeta //ssap#setMixcMeta
    //ssap#simpleCoverage //ssap#view //systems#icrs //timeseries#phot-0
""".split())
