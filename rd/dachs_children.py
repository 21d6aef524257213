"""Where DaCHS 2.7 allows what: for each element of its reference, the names that may
appear inside it, as child elements or attributes (DaCHS lets any attribute be
written as a child element).  Data for :func:`rd.vocabulary.misplaced`.
"""

from __future__ import annotations

_RAW = {
    "DEFAULTS": """
        meta property""",
    "EDIT": """
        DEFAULTS doc meta passivate property ref""",
    "FEED": """
        EDIT PRUNE events meta property reexpand source""",
    "LFEED": """
        EDIT PRUNE events meta property reexpand source""",
    "LOOP": """
        EDIT PRUNE codeItems csvItems events listItems meta property reexpand source""",
    "NXSTREAM": """
        DEFAULTS doc meta property""",
    "PRUNE": """
        meta property""",
    "STREAM": """
        DEFAULTS doc meta property""",
    "adqlCore": """
        inputTable meta original outputTable property""",
    "and": """
        and keyIs keyMissing keyNull keyPresent meta name not property""",
    "apply": """
        bind code deprecated doc meta name original procDef property setup type""",
    "binaryGrammar": """
        armor binaryRecordDef enc ignoreOn meta original property rowfilter
        skipBytes sourceFields""",
    "binaryRecordDef": """
        binfmt meta property""",
    "bind": """
        alias description key late meta property""",
    "cdfHeaderGrammar": """
        autoAtomize enc ignoreOn mapKeys meta original property rowfilter
        sourceFields""",
    "column": """
        description displayHint dmRoles fixup hidden meta name note original
        property required stc stcUtype tablehead type ucd unit utype values
        verbLevel xtype""",
    "columnGrammar": """
        col colDefs commentIntroducer enc gunzip ignoreOn meta original preFilter
        property rowfilter sourceFields strip topIgnoredLines""",
    "columnRef": """
        key meta property ucd utype""",
    "condDesc": """
        buildFrom combining fixedSQL group inputKey joiner meta original phraseMaker
        property required silent""",
    "contextGrammar": """
        enc ignoreOn inputKey inputTD meta original property rowfilter sourceFields""",
    "coreProc": """
        bind code deprecated doc meta name original procDef property setup type""",
    "coverage": """
        meta property spatial spectral temporal updater""",
    "csvGrammar": """
        delimiter enc gunzip ignoreOn mapKeys meta names original preFilter property
        rowfilter sourceFields strip topIgnoredLines""",
    "customCore": """
        inputTable meta module original outputTable property""",
    "customDF": """
        meta name property""",
    "customGrammar": """
        enc ignoreOn isDispatching meta module original property rowfilter
        sourceFields""",
    "customRF": """
        meta name property""",
    "data": """
        auto binaryGrammar cdfHeaderGrammar columnGrammar contextGrammar csvGrammar
        customGrammar dependents dictlistGrammar directGrammar embeddedGrammar
        fitsProdGrammar fitsTableGrammar freeREGrammar hdf5Grammar keyValueGrammar
        make meta mySQLDumpGrammar nullGrammar odbcGrammar original param pdsGrammar
        property publish reGrammar recreateAfter remakeOnDataChange rowmaker
        rowsetGrammar sources table transparentGrammar updating voTableGrammar
        xmlGrammar""",
    "dataFormatter": """
        bind code deprecated doc meta name original procDef property setup type""",
    "dataFunction": """
        bind code deprecated doc meta name original procDef property setup type""",
    "datalinkCore": """
        dataFormatter dataFunction descriptorGenerator inputKey inputTable meta
        metaMaker original outputTable property""",
    "dbCore": """
        condDesc distinct groupBy inputTable limit meta namePath original
        outputTable property queriedTable sortKey""",
    "debugCore": """
        inputTable meta original outputTable property""",
    "descriptorGenerator": """
        bind code deprecated doc meta name original procDef property setup type""",
    "dictlistGrammar": """
        asPars enc ignoreOn meta notify original property rowfilter sourceFields""",
    "directGrammar": """
        autoNull cBooster customFlags extension gzippedInput ignoreBadRecords
        mapKeys meta preFilter property recordSize splitChar type""",
    "dm": """
        meta property""",
    "embeddedGrammar": """
        enc ignoreOn isDispatching iterator meta notify original pargetter property
        rowfilter sourceFields""",
    "events": """
        DEFAULTS doc meta passivate property""",
    "execute": """
        at debug every job meta property title""",
    "fancyQueryCore": """
        condDesc inputTable meta namePath original outputTable property queriedTable
        query timeout""",
    "fitsProdGrammar": """
        enc hdu hdusField ignoreOn mapKeys maxHeaderBlocks meta original property
        qnd rowfilter sourceFields""",
    "fitsTableGrammar": """
        enc hdu ignoreOn lowerKeys meta nanIsNULL original property rowfilter
        sourceFields""",
    "fixedQueryCore": """
        inputTable meta original outputTable property query timeout writable""",
    "foreignKey": """
        dest inTable meta metaOnly property source""",
    "freeREGrammar": """
        enc ignoreJunk ignoreOn meta original parseRE property rowProduction
        rowfilter sourceFields stripTokens""",
    "group": """
        columnRef description meta name param paramRef property ucd utype""",
    "hdf5Grammar": """
        dataset enc ignoreOn meta original property rowfilter sourceFields style""",
    "httpUpload": """
        fileName meta name property source""",
    "ignoreOn": """
        and bail keyIs keyMissing keyNull keyPresent meta name not property""",
    "ignoreSources": """
        fromdb fromdbUpdating fromfile meta pattern patterns property""",
    "index": """
        cluster columns kind meta metaOnly method name option options property""",
    "inputKey": """
        description displayHint dmRoles fixup inputUnit meta multiplicity name note
        original preparse property required showItems stc stcUtype std tablehead
        type ucd unit utype values verbLevel widgetFactory xtype""",
    "inputTable": """
        exclusive group inputKey meta property""",
    "iterator": """
        bind code deprecated doc meta name original procDef property setup type""",
    "job": """
        bind code deprecated doc meta name original procDef property setup type""",
    "keyIs": """
        key meta name property type value""",
    "keyMissing": """
        key meta name property""",
    "keyNull": """
        key meta name property""",
    "keyPresent": """
        key meta name property""",
    "keyValueGrammar": """
        commentPattern enc ignoreOn kvSeparators mapKeys meta original
        pairSeparators property rowfilter sourceFields yieldPairs""",
    "lateEvents": """
        DEFAULTS doc meta passivate property""",
    "macDef": """
        meta name property""",
    "make": """
        meta parmaker property role rowSource rowmaker script table""",
    "makeQuery": """
        bind code deprecated doc meta name original procDef property setup type""",
    "map": """
        key meta nullExcs nullExpr property source""",
    "mapKeys": """
        map meta property""",
    "metaMaker": """
        bind code deprecated doc meta name original procDef property semantics setup
        type""",
    "mixinDef": """
        EDIT PRUNE doc events lateEvents meta mixinPar original processEarly
        processLate property reexpand source""",
    "mixinPar": """
        alias description key late meta property""",
    "mySQLDumpGrammar": """
        enc gunzip ignoreOn meta original preFilter property rowfilter sourceFields""",
    "not": """
        and keyIs keyMissing keyNull keyPresent meta name not property""",
    "nullCore": """
        inputTable meta original outputTable property""",
    "nullGrammar": """
        enc ignoreOn meta original property rowfilter sourceFields""",
    "odbcGrammar": """
        enc ignoreOn makeQuery meta original property query rowfilter sourceFields""",
    "option": """
        meta property title""",
    "outputField": """
        description displayHint dmRoles fixup formatter hidden meta name note
        original property required select sets stc stcUtype tablehead type ucd unit
        utype values verbLevel wantsRow xtype""",
    "outputTable": """
        adql allProfiles autoCols dm dupePolicy forceUnique foreignKey group index
        meta namePath nrows onDisk original outputField param primary property
        publish readProfiles script stc system temporary verbLevel viewStatement""",
    "par": """
        alias description key late meta property""",
    "param": """
        description displayHint dmRoles fixup hidden meta name note original
        property required stc stcUtype tablehead type ucd unit utype values
        verbLevel xtype""",
    "paramRef": """
        key meta property ucd utype""",
    "pargetter": """
        bind code deprecated doc meta name original procDef property setup type""",
    "pdsGrammar": """
        enc ignoreOn mapKeys meta original property rowfilter sourceFields""",
    "phraseMaker": """
        bind code deprecated doc meta name original procDef property setup type""",
    "procDef": """
        code deprecated doc meta original property setup type""",
    "processEarly": """
        bind code deprecated doc meta name original procDef property setup type""",
    "processLate": """
        bind code deprecated doc meta name original procDef property setup type""",
    "productCore": """
        condDesc distinct groupBy inputTable limit meta namePath original
        outputTable property queriedTable sortKey""",
    "publish": """
        auxiliary meta property render service services sets""",
    "pythonCore": """
        coreProc inputTable meta original outputTable property""",
    "reGrammar": """
        commentPat enc fieldSep gunzip ignoreOn lax meta names original preFilter
        property recordCleaner recordSep rowfilter sourceFields stopPat
        topIgnoredLines""",
    "regSuite": """
        meta property regTest sequential title""",
    "regTest": """
        bind code deprecated doc meta name original procDef property setup tags
        title type url""",
    "registryCore": """
        inputTable meta original outputTable property""",
    "resRec": """
        meta property publish""",
    "resource": """
        adqlCore allProfiles condDesc coverage customCore data datalinkCore dbCore
        debugCore execute fancyQueryCore fixedQueryCore macDef meta mixinDef
        nullCore outputTable procDef productCore property pythonCore readProfiles
        regSuite registryCore require resRec resdir rowmaker schema script scsCore
        service siapCutoutCore ssapCore table tapCore uploadCore""",
    "rowfilter": """
        bind code deprecated doc meta name original procDef property setup type""",
    "rowmaker": """
        apply idmaps ignoreOn map meta original property simplemaps var""",
    "rowsetGrammar": """
        enc fieldsFrom ignoreOn meta original property rowfilter sourceFields""",
    "script": """
        lang meta name notify original property type""",
    "scsCore": """
        condDesc distinct groupBy inputTable limit meta namePath original
        outputTable property queriedTable sortKey""",
    "service": """
        allowed core customDF customPage customRF defaultRenderer inputKey limitTo
        meta original outputTable property publish template""",
    "setup": """
        code codeFrags imports meta original par property""",
    "siapCutoutCore": """
        condDesc distinct groupBy inputTable limit meta namePath original
        outputTable property queriedTable sortKey""",
    "sourceFields": """
        bind code deprecated doc meta name original procDef property setup type""",
    "sources": """
        ignoreSources item items meta original pattern patterns property recurse""",
    "ssapCore": """
        condDesc distinct groupBy inputTable limit meta namePath original
        outputTable property queriedTable sortKey""",
    "stc": """
        meta property""",
    "table": """
        adql allProfiles column dm dupePolicy forceUnique foreignKey group index
        meta namePath nrows onDisk original param primary property publish
        readProfiles script stc system temporary viewStatement""",
    "tapCore": """
        inputTable meta original outputTable property""",
    "transparentGrammar": """
        enc ignoreOn meta original property rowfilter sourceFields""",
    "updater": """
        meta mocOrder property sourceTable spaceTable spectralTable timeTable""",
    "uploadCore": """
        destDD inputTable meta original outputTable property""",
    "url": """
        httpAuthKey httpChunkSize httpHonorRedirects httpMethod httpUpload meta
        parSet postPayload property value""",
    "values": """
        caseless default fillFactor fromdb max median meta min multiOk nullLiteral
        option original percentile03 percentile97 property""",
    "var": """
        key meta nullExcs nullExpr property source""",
    "voTableGrammar": """
        enc gunzip ignoreOn meta original property rowfilter sourceFields""",
    "xmlGrammar": """
        enc ignoreOn meta normalizeWhitespace original property rowfilter
        sourceFields""",
}

DACHS_CHILDREN: dict[str, frozenset[str]] = {tag: frozenset(names.split())
                                             for tag, names in _RAW.items()}
