using LeakWatch.Core.Extraction;
using LeakWatch.Core.Fingerprinting;
using LeakWatch.Core.Normalization;

namespace LeakWatch.Core.Matching;

/// <summary>
/// Matches candidate records against the index. One per worker thread (it owns a <see cref="Fingerprinter"/>, the
/// memos and scratch lists); reused across documents.
/// <para>
/// Hashing is the cost, so the work goes from cheap to dear: a recurring cell is read once (a fixed-size memo); a
/// letters-only word is looked up in the unlinked name sets (two SipHash, no memo: a lookup would cost as much); only
/// pairs of words that are each a name of the base are tested as a pair; only pairs of the base are combined with the
/// record's dates, as whole names and as parts of compound names.
/// </para>
/// </summary>
internal sealed class RecordMatcher : IDisposable
{
    private const int MaxCandidates = 24;

    private readonly FingerprintIndex _index;
    private readonly Fingerprinter _fp;
    private readonly TokenClassifier _classifier;

    // Per-record state, cleared at each record. "Any" lists take every name word of the record in either role;
    // "role" lists only cells a header or a format named, in the role it named: when both roles are present there,
    // only they form identities, so a doctor's name beside an exam date is not taken for a patient born that day.
    private readonly RecordIdentifiers _identifiers = new();
    private readonly List<string> _anyLast = [];
    private readonly List<string> _anyFirst = [];
    private readonly List<string> _roleLast = [];
    private readonly List<string> _roleFirst = [];
    // Names the record holds at two places (two cells, or twice in one): only they can be first and last name at once.
    private readonly List<string> _twice = [];
    private readonly List<int> _dates = [];
    private readonly List<int> _birthDates = [];
    private readonly List<int> _found = [];
    private readonly List<ulong> _keys = [];
    private readonly List<(string Last, string First, ulong Key)> _pairKeys = [];
    private readonly Dictionary<int, RuleHits> _recordHits = [];
    private bool _lastNamedCell;
    private bool _firstNamedCell;

    public RecordMatcher(FingerprintIndex index, FingerprintKeys keys)
    {
        _index = index;
        _fp = keys.CreateFingerprinter();
        _classifier = new TokenClassifier(_fp, index);
    }

    public void Match(RecordBatch batch, DocumentMatches matches)
    {
        matches.CountRecords(batch.Count);
        for (var r = 0; r < batch.Count; r++)
        {
            var record = batch[r];
            ClearRecord();
            var shape = IdentityShape.None;
            for (var f = 0; f < record.FieldCount; f++)
            {
                var field = batch.Field(record.FirstField + f);
                // Headers said the column is about nothing or nobody we match (an exam, a city, the doctor).
                if (field.Hint is FieldHint.Other or FieldHint.Identifier or FieldHint.PostalCode) continue;
                var text = batch.Text(field).Trim();
                if (text.IsEmpty) continue;
                if (record.Shape == RecordShape.FreeText)
                {
                    Apply(_classifier.ReadProse(text, _identifiers), FieldHint.None);
                    continue;
                }
                var reading = _classifier.ReadCell(text, field.Hint, _identifiers);
                Apply(reading, field.Hint);
                shape |= Shape(field.Hint, text, reading);
            }
            matches.CountShape(_identifiers.KeyedNirs > 0, (shape & IdentityShape.BirthDate) != 0 &&
                ((shape & IdentityShape.FullName) != 0 || (shape & (IdentityShape.LastName | IdentityShape.FirstName)) == (IdentityShape.LastName | IdentityShape.FirstName)));
            Evaluate();
            if (_recordHits.Count == 0) continue;
            var location = new MatchLocation(record.Offset, record.Line);
            foreach (var (patient, hits) in _recordHits) matches.Add(patient, hits, location);
        }
    }

    /// <summary>What a cell adds to the record's shape, whoever it names: headers said it, and it holds letters or a date.</summary>
    private static IdentityShape Shape(FieldHint hint, ReadOnlySpan<char> text, CellReading reading) => hint switch
    {
        FieldHint.LastName or FieldHint.BirthName or FieldHint.UsageName when HasLetter(text) => IdentityShape.LastName,
        FieldHint.FirstName when HasLetter(text) => IdentityShape.FirstName,
        FieldHint.FullName when HasLetter(text) => IdentityShape.FullName,
        FieldHint.BirthDate when reading.Dates.Length > 0 => IdentityShape.BirthDate,
        _ => IdentityShape.None,
    };

    private static bool HasLetter(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (char.IsLetter(c)) return true;
        }
        return false;
    }

    [Flags]
    private enum IdentityShape
    {
        None = 0,
        LastName = 1,
        FirstName = 2,
        FullName = 4,
        BirthDate = 8,
    }

    private void ClearRecord()
    {
        _identifiers.Clear();
        _anyLast.Clear();
        _anyFirst.Clear();
        _roleLast.Clear();
        _roleFirst.Clear();
        _twice.Clear();
        _dates.Clear();
        _birthDates.Clear();
        _recordHits.Clear();
        _lastNamedCell = false;
        _firstNamedCell = false;
    }

    private void Apply(CellReading reading, FieldHint hint)
    {
        var named = hint is FieldHint.LastName or FieldHint.BirthName or FieldHint.UsageName or FieldHint.FirstName or FieldHint.FullName;
        var asLast = hint is not FieldHint.FirstName;
        var asFirst = hint is not (FieldHint.LastName or FieldHint.BirthName or FieldHint.UsageName);
        _lastNamedCell |= named && asLast;
        _firstNamedCell |= named && asFirst;
        foreach (var name in reading.Names)
        {
            if (name.Twice || _anyLast.Contains(name.Name) || _anyFirst.Contains(name.Name)) Add(_twice, name.Name);
            if (name.IsLast)
            {
                Add(_anyLast, name.Name);
                if (named && asLast) Add(_roleLast, name.Name);
            }
            if (name.IsFirst)
            {
                Add(_anyFirst, name.Name);
                if (named && asFirst) Add(_roleFirst, name.Name);
            }
        }
        foreach (var date in reading.Dates)
        {
            if (!_dates.Contains(date)) _dates.Add(date);
            if (hint == FieldHint.BirthDate && !_birthDates.Contains(date)) _birthDates.Add(date);
        }
    }

    private static void Add(List<string> list, string name)
    {
        if (list.Count < MaxCandidates && !list.Contains(name)) list.Add(name);
    }

    private void Evaluate()
    {
        Span<char> date = stackalloc char[8];
        // Headers named both a last-name and a first-name cell: trust them. Otherwise any name word in either role.
        var roles = _lastNamedCell && _firstNamedCell;
        var lastNames = roles ? _roleLast : _anyLast;
        var firstNames = roles ? _roleFirst : _anyFirst;
        var dates = _birthDates.Count > 0 ? _birthDates : _dates;

        // Every key the row surely looks up is computed first and its filter line requested: each lookup is a cache
        // miss, and requested together they overlap instead of queueing. The lookups then run in the same order as ever.
        _keys.Clear();
        foreach (var nir in _identifiers.Nirs) _keys.Add(Prefetched(FingerprintRecipe.NirKey(_fp, nir)));
        foreach (var email in _identifiers.Emails) _keys.Add(Prefetched(FingerprintRecipe.EmailKey(_fp, email)));
        foreach (var phone in _identifiers.Phones) _keys.Add(Prefetched(FingerprintRecipe.PhoneKey(_fp, phone)));
        _pairKeys.Clear();
        if (dates.Count > 0)
        {
            foreach (var last in lastNames)
            {
                foreach (var first in firstNames)
                {
                    // One word is not both names of a person: "Dr Bernard" is not Bernard BERNARD; "Bernard BERNARD" is.
                    if (last == first && !_twice.Contains(last)) continue;
                    var key = FingerprintRecipe.NamePairMemberKey(_fp, last, first);
                    _index.PrefetchMember(key);
                    _pairKeys.Add((last, first, key));
                }
            }
        }

        var k = 0;
        foreach (var nir in _identifiers.Nirs)
        {
            if (Lookup(_keys[k++], RuleHits.Nir) == 0) continue;
            var corroborated = false;
            foreach (var last in _anyLast) corroborated |= Lookup(FingerprintRecipe.NirNameKey(_fp, nir, last), RuleHits.NirName) > 0;
            foreach (var value in _dates)
            {
                BirthDateNormalizer.Format(value, date);
                corroborated |= Lookup(FingerprintRecipe.NirBirthDateKey(_fp, nir, date), RuleHits.NirBirthDate) > 0;
            }
            // The record names someone, and not this patient: a mistyped or colliding NIR, not the patient.
            if (!corroborated && lastNames.Count > 0) FlagUncorroborated(RuleHits.Nir, RuleHits.NirContradicted);
        }
        foreach (var email in _identifiers.Emails)
        {
            if (Lookup(_keys[k++], RuleHits.Email) == 0) continue;
            foreach (var last in _anyLast) Lookup(FingerprintRecipe.EmailNameKey(_fp, email, last), RuleHits.EmailName);
        }
        foreach (var phone in _identifiers.Phones)
        {
            if (Lookup(_keys[k++], RuleHits.Phone) == 0) continue;
            foreach (var last in _anyLast) Lookup(FingerprintRecipe.PhoneNameKey(_fp, phone, last), RuleHits.PhoneName);
        }

        if (dates.Count == 0) return;
        // Only pairs of the base are combined with the record's dates, as whole names and as parts of compound names
        // (DUPONT of DUPONT-MARTIN); those keys too are requested before they are looked up.
        _keys.Clear();
        foreach (var (last, first, key) in _pairKeys)
        {
            if (!_index.ContainsMember(key)) continue;
            foreach (var value in dates)
            {
                BirthDateNormalizer.Format(value, date);
                _keys.Add(Prefetched(FingerprintRecipe.IdentityKey(_fp, last, first, date)));
                _keys.Add(Prefetched(FingerprintRecipe.IdentityPartKey(_fp, last, first, date)));
            }
        }
        var identities = false;
        for (var i = 0; i < _keys.Count; i += 2)
        {
            identities |= Lookup(_keys[i], RuleHits.Identity) > 0;
            identities |= Lookup(_keys[i + 1], RuleHits.IdentityPart) > 0;
        }
        // The record carries a NIR, and it is not this patient's: a namesake born the same day, not the patient.
        if (identities && _identifiers.Nirs.Count > 0) FlagUncorroborated(RuleHits.Identity | RuleHits.IdentityPart, RuleHits.IdentityContradicted);
    }

    private ulong Prefetched(ulong key)
    {
        _index.PrefetchLinked(key);
        return key;
    }

    private int Lookup(ulong key, RuleHits rule)
    {
        _found.Clear();
        var count = _index.Lookup(key, _found);
        foreach (var patient in _found) _recordHits[patient] = _recordHits.GetValueOrDefault(patient) | rule;
        return count;
    }

    /// <summary>
    /// Adds <paramref name="flag"/> to every patient of this record that has <paramref name="rule"/> and no NIR rule:
    /// nothing of the record's NIR corroborates it.
    /// </summary>
    private void FlagUncorroborated(RuleHits rule, RuleHits flag)
    {
        foreach (var (patient, hits) in _recordHits)
        {
            if ((hits & rule) != 0 && (hits & (RuleHits.NirName | RuleHits.NirBirthDate | (rule == RuleHits.Nir ? 0 : RuleHits.Nir))) == 0)
            {
                _recordHits[patient] = hits | flag;
            }
        }
    }

    public void Dispose() => _fp.Dispose();
}
