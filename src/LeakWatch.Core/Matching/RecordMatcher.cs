using LeakWatch.Core.Extraction;
using LeakWatch.Core.Fingerprinting;
using LeakWatch.Core.Normalization;

namespace LeakWatch.Core.Matching;

/// <summary>
/// Matches candidate records against the index. One per worker thread (it owns a <see cref="Fingerprinter"/> and
/// scratch lists); reused across documents.
/// <para>
/// Hashing is the cost, so the work is ordered from cheap to dear: a field is classified by its characters; a name
/// word is looked up in the unlinked name sets (memoized: dumps repeat names); only pairs of words that are each a
/// name of the base are tested as a pair; only pairs of the base are combined with the record's dates.
/// </para>
/// </summary>
internal sealed class RecordMatcher : IDisposable
{
    private const int MaxNameWordsPerField = 6;
    private const int MaxSubsequenceWords = 4;
    private const int MaxCandidates = 24;
    private const int MaxMemoEntries = 1_000_000;

    private readonly FingerprintIndex _index;
    private readonly Fingerprinter _fp;
    private readonly NameMemo _names;
    private readonly Dictionary<(string Last, string First), bool> _pairs = [];

    // Per-record scratch, cleared at each record.
    private readonly List<string> _lastNames = [];
    private readonly List<string> _firstNames = [];
    private readonly List<int> _dates = [];
    // The same, from fields a header or a format said hold identity: when present, only they form identities, so a
    // doctor's name beside an exam date is not taken for a patient born that day.
    private readonly List<string> _hintedLastNames = [];
    private readonly List<string> _hintedFirstNames = [];
    private readonly List<int> _hintedDates = [];
    private readonly List<string> _nirs = [];
    private readonly List<string> _phones = [];
    private readonly List<string> _emails = [];
    private readonly List<int> _found = [];
    private readonly Dictionary<int, RuleHits> _recordHits = [];
    private readonly List<DateHit> _dateHits = [];
    private readonly List<NirHit> _nirHits = [];
    private readonly List<PhoneHit> _phoneHits = [];
    private readonly List<EmailHit> _emailHits = [];
    private readonly List<string> _words = [];
    private readonly int[] _dateScratch = new int[4];

    public RecordMatcher(FingerprintIndex index, FingerprintKeys keys)
    {
        _index = index;
        _fp = keys.CreateFingerprinter();
        _names = new NameMemo(_fp, index);
    }

    public void Match(RecordBatch batch, DocumentMatches matches)
    {
        matches.CountRecords(batch.Count);
        for (var r = 0; r < batch.Count; r++)
        {
            var record = batch[r];
            ClearRecord();
            for (var f = 0; f < record.FieldCount; f++)
            {
                var field = batch.Field(record.FirstField + f);
                var text = batch.Text(field);
                if (record.Shape == RecordShape.FreeText) AddFreeText(text);
                else AddField(text, field.Hint);
            }
            Evaluate();
            if (_recordHits.Count == 0) continue;
            var location = new MatchLocation(record.Offset, record.Line);
            foreach (var (patient, hits) in _recordHits) matches.Add(patient, hits, location);
        }
        if (_pairs.Count > MaxMemoEntries) _pairs.Clear();
    }

    private void ClearRecord()
    {
        _lastNames.Clear();
        _firstNames.Clear();
        _dates.Clear();
        _hintedLastNames.Clear();
        _hintedFirstNames.Clear();
        _hintedDates.Clear();
        _nirs.Clear();
        _phones.Clear();
        _emails.Clear();
        _recordHits.Clear();
    }

    private void AddField(ReadOnlySpan<char> raw, FieldHint hint)
    {
        var value = raw.Trim();
        if (value.IsEmpty) return;
        switch (hint)
        {
            case FieldHint.Other or FieldHint.Identifier or FieldHint.PostalCode:
                return;
            case FieldHint.BirthDate:
                AddDate(value, hinted: true);
                return;
            case FieldHint.Nir:
                if (NirNormalizer.Body(value) is { } nir) _nirs.Add(nir);
                return;
            case FieldHint.Phone:
                if (PhoneNormalizer.ToE164(value) is { } phone) _phones.Add(phone);
                return;
            case FieldHint.Email:
                if (EmailNormalizer.Normalize(value) is { } email) _emails.Add(email);
                return;
            case FieldHint.LastName or FieldHint.BirthName or FieldHint.UsageName or FieldHint.FirstName or FieldHint.FullName:
                AddNameField(value, hint);
                return;
        }

        int letters = 0, digits = 0;
        foreach (var c in value)
        {
            if (char.IsAsciiDigit(c)) digits++;
            else if (char.IsLetter(c)) letters++;
            else if (c == '@')
            {
                if (EmailNormalizer.Normalize(value) is { } email) _emails.Add(email);
                return;
            }
        }
        if (digits == 0)
        {
            if (letters > 0) AddNameField(value, FieldHint.None);
            return;
        }
        if (value.Length <= 40)
        {
            if (digits >= 13 && letters <= 2 && NirNormalizer.Body(value) is { } body)
            {
                _nirs.Add(body);
                return;
            }
            if (AddDate(value)) return;
            if (digits >= 9 && letters == 0 && PhoneNormalizer.ToE164(value) is { } e164)
            {
                _phones.Add(e164);
                return;
            }
        }
        // Words and digits together in one cell: a comment, an address, a whole identity line ("DUPONT Marie
        // 12/03/1965"). Read it as prose.
        if (letters > 0 && value.Contains(' ')) AddFreeText(value);
    }

    private bool AddDate(ReadOnlySpan<char> value, bool hinted = false)
    {
        var count = BirthDateNormalizer.Normalize(value, _dateScratch);
        for (var i = 0; i < count; i++)
        {
            AddDistinct(_dates, _dateScratch[i]);
            if (hinted) AddDistinct(_hintedDates, _dateScratch[i]);
        }
        return count > 0;
    }

    private static void AddDistinct(List<int> list, int value)
    {
        if (!list.Contains(value)) list.Add(value);
    }

    private void AddNameField(ReadOnlySpan<char> value, FieldHint hint)
    {
        // Name hints are not trusted to say which name it is: exports swap columns, and a header "NOM" may hold
        // "DUPONT Marie". The pair set and the birth date decide.
        if (!HasSeparator(value))
        {
            Span<char> compact = stackalloc char[Math.Min(value.Length * 3 + 4, 256)];
            var length = NameNormalizer.CompactInto(value, compact);
            if (length > 0) AddNameCandidate(compact[..length], hinted: hint != FieldHint.None);
            return;
        }
        if (NameNormalizer.Spaced(value) is not { } spaced) return;
        _words.Clear();
        foreach (var range in spaced.AsSpan().Split(' '))
        {
            _words.Add(spaced[range]);
            if (_words.Count > MaxNameWordsPerField) break;
        }
        // A long phrase is prose, not a name, unless a header said it is a name.
        if (_words.Count > MaxSubsequenceWords && hint == FieldHint.None)
        {
            AddFreeText(value);
            return;
        }
        if (_words.Count > MaxNameWordsPerField) _words.RemoveRange(MaxNameWordsPerField, _words.Count - MaxNameWordsPerField);
        AddWordSubsequences(hinted: hint != FieldHint.None);
    }

    /// <summary>Every run of one to four consecutive words, compacted: "LE GALL MARIE" gives LE, LEGALL, LEGALLMARIE, GALL, GALLMARIE, MARIE.</summary>
    private void AddWordSubsequences(bool hinted)
    {
        Span<char> buffer = stackalloc char[256];
        for (var start = 0; start < _words.Count; start++)
        {
            var length = 0;
            for (var end = start; end < _words.Count && end - start < MaxSubsequenceWords; end++)
            {
                var word = _words[end];
                if (length + word.Length > buffer.Length) break;
                word.AsSpan().CopyTo(buffer[length..]);
                length += word.Length;
                AddNameCandidate(buffer[..length], hinted);
            }
        }
    }

    private void AddNameCandidate(ReadOnlySpan<char> compact, bool hinted)
    {
        var entry = _names.Get(compact);
        if (entry.IsLast)
        {
            AddCandidate(_lastNames, entry.Name);
            if (hinted) AddCandidate(_hintedLastNames, entry.Name);
        }
        if (entry.IsFirst)
        {
            AddCandidate(_firstNames, entry.Name);
            if (hinted) AddCandidate(_hintedFirstNames, entry.Name);
        }
    }

    private static void AddCandidate(List<string> list, string name)
    {
        if (list.Count < MaxCandidates && !list.Contains(name)) list.Add(name);
    }

    private void AddFreeText(ReadOnlySpan<char> text)
    {
        NirNormalizer.FindAll(text, _nirHits);
        foreach (var hit in _nirHits) _nirs.Add(hit.Body);
        _nirHits.Clear();
        PhoneNormalizer.FindAll(text, _phoneHits);
        foreach (var hit in _phoneHits) _phones.Add(hit.E164);
        _phoneHits.Clear();
        EmailNormalizer.FindAll(text, _emailHits);
        foreach (var hit in _emailHits) _emails.Add(hit.Email);
        _emailHits.Clear();
        BirthDateNormalizer.FindAll(text, _dateHits);
        foreach (var hit in _dateHits)
        {
            AddDistinct(_dates, hit.Value);
            if (hit.AltValue != 0) AddDistinct(_dates, hit.AltValue);
        }
        _dateHits.Clear();

        // Words of letters (apostrophes and hyphens inside a name keep it whole), then runs of them.
        _words.Clear();
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inWord = i < text.Length && (char.IsLetter(text[i]) || (start >= 0 && (text[i] is '\'' or '’' or '-') && i + 1 < text.Length && char.IsLetter(text[i + 1])));
            if (inWord)
            {
                if (start < 0) start = i;
                continue;
            }
            if (start < 0) continue;
            var word = text[start..i];
            start = -1;
            if (NameNormalizer.IsCivility(word)) continue;
            if (NameNormalizer.Compact(word) is { } compact) _words.Add(compact);
        }
        AddWordSubsequencesOfProse();
    }

    private void AddWordSubsequencesOfProse()
    {
        // Prose: names are one to three words; pairs of a last and a first name are formed later.
        Span<char> buffer = stackalloc char[256];
        for (var start = 0; start < _words.Count; start++)
        {
            var length = 0;
            for (var end = start; end < _words.Count && end - start < 3; end++)
            {
                var word = _words[end];
                if (length + word.Length > buffer.Length) break;
                word.AsSpan().CopyTo(buffer[length..]);
                length += word.Length;
                AddNameCandidate(buffer[..length], hinted: false);
            }
        }
    }

    private void Evaluate()
    {
        Span<char> date = stackalloc char[8];
        foreach (var nir in _nirs)
        {
            if (Lookup(FingerprintRecipe.Nir(_fp, nir), RuleHits.Nir) == 0) continue;
            foreach (var last in _lastNames) Lookup(FingerprintRecipe.NirName(_fp, nir, last), RuleHits.NirName);
            foreach (var value in _dates)
            {
                BirthDateNormalizer.Format(value, date);
                Lookup(FingerprintRecipe.NirBirthDate(_fp, nir, date), RuleHits.NirBirthDate);
            }
        }
        foreach (var email in _emails)
        {
            if (Lookup(FingerprintRecipe.Email(_fp, email), RuleHits.Email) == 0) continue;
            foreach (var last in _lastNames) Lookup(FingerprintRecipe.EmailName(_fp, email, last), RuleHits.EmailName);
        }
        foreach (var phone in _phones)
        {
            if (Lookup(FingerprintRecipe.Phone(_fp, phone), RuleHits.Phone) == 0) continue;
            foreach (var last in _lastNames) Lookup(FingerprintRecipe.PhoneName(_fp, phone, last), RuleHits.PhoneName);
        }
        var dates = _hintedDates.Count > 0 ? _hintedDates : _dates;
        if (dates.Count == 0) return;
        var hintedNames = _hintedLastNames.Count > 0 && _hintedFirstNames.Count > 0;
        foreach (var last in hintedNames ? _hintedLastNames : _lastNames)
        {
            foreach (var first in hintedNames ? _hintedFirstNames : _firstNames)
            {
                if (ReferenceEquals(last, first) || !IsPair(last, first)) continue;
                foreach (var value in dates)
                {
                    BirthDateNormalizer.Format(value, date);
                    Lookup(FingerprintRecipe.Identity(_fp, last, first, date), RuleHits.Identity);
                }
            }
        }
    }

    private bool IsPair(string last, string first)
    {
        if (_pairs.TryGetValue((last, first), out var known)) return known;
        var member = _index.ContainsMember(FingerprintSnapshot.Key(FingerprintRecipe.NamePairMember(_fp, last, first)));
        _pairs[(last, first)] = member;
        return member;
    }

    private int Lookup(Fingerprint fingerprint, RuleHits rule)
    {
        _found.Clear();
        var count = _index.Lookup(FingerprintSnapshot.Key(fingerprint), _found);
        foreach (var patient in _found)
        {
            _recordHits[patient] = _recordHits.GetValueOrDefault(patient) | rule;
        }
        return count;
    }

    private static readonly System.Buffers.SearchValues<char> Separators = System.Buffers.SearchValues.Create(" -'’.,^_\t");

    private static bool HasSeparator(ReadOnlySpan<char> value) => value.IndexOfAny(Separators) >= 0;

    public void Dispose() => _fp.Dispose();

    /// <summary>
    /// Compact name → is it a last name / a first name of the base. Names repeat across a dump, so each distinct
    /// word is hashed twice, once. The strings are shared with the candidate lists, so pair memo keys compare by reference first.
    /// </summary>
    private sealed class NameMemo(Fingerprinter fp, FingerprintIndex index)
    {
        private readonly Dictionary<string, NameEntry> _entries = new(StringComparer.Ordinal);

        public NameEntry Get(ReadOnlySpan<char> compact)
        {
            var lookup = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
            if (lookup.TryGetValue(compact, out var entry)) return entry;
            if (_entries.Count >= MaxMemoEntries) _entries.Clear();
            var name = compact.ToString();
            entry = new NameEntry(
                name,
                index.ContainsMember(FingerprintSnapshot.Key(FingerprintRecipe.LastNameMember(fp, name))),
                index.ContainsMember(FingerprintSnapshot.Key(FingerprintRecipe.FirstNameMember(fp, name))));
            _entries[name] = entry;
            return entry;
        }
    }

    private readonly record struct NameEntry(string Name, bool IsLast, bool IsFirst);
}
