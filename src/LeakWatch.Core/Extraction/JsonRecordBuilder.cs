using LeakWatch.Core.Normalization;

namespace LeakWatch.Core.Extraction;

/// <summary>
/// Decides, token by token, which JSON objects are candidate records. An object nested under a key (<c>"name": {...}</c>)
/// is part of its parent and its fields join the parent's record; an object in an array is a record of its own (a list
/// of patients), unless the array lists parts of its owner (<c>name</c>, <c>telecom</c>, <c>identifier</c>,
/// <c>address</c>... and, inside a FHIR resource, every array but <c>entry</c>, <c>contact</c> and <c>contained</c>).
/// A FHIR resource is always its own record, with FHIR meanings: HumanName.use picks the kind of family name (FR Core:
/// official = birth name, usual = usage name, maiden = birth name), identifiers with an INS OID are NIRs, telecom
/// systems tell phones from emails. An array of scalars outside any object (a row of a table) is a record too.
/// Prose values become free-text records, long blobs are dropped, and a record is cut at 256 fields.
/// </summary>
internal sealed class JsonRecordBuilder(RecordWriter writer, ExtractionContext context)
{
    /// <summary>Longer strings are not field values: prose becomes free text, anything else (base64) is dropped.</summary>
    public const int MaxValueChars = 4096;

    /// <summary>Strings at least this long are checked for prose (the extractor gives their position).</summary>
    public const int ProseChars = 100;

    private const int MaxFreeTextChars = 16 * 1024;
    private const int MaxRecordFields = 256;

    private static readonly string[] NirOids = ["1.2.250.1.213.1.4.8", "1.2.250.1.213.1.4.9", "1.2.250.1.213.1.4.10", "1.2.250.1.213.1.4.11"];

    private readonly List<Field> _fields = [];
    private readonly ColumnHintCache _hints = new();
    private Frame[] _frames = new Frame[16];
    private int _depth;
    private char[] _text = new char[16 * 1024];
    private int _textLength;
    private JsonKey _key;
    private FieldHint _keyHint;

    public void Start(bool isArray, long offset, long line)
    {
        var key = JsonKey.Other;
        var hint = FieldHint.None;
        if (_depth > 0)
        {
            ref var parent = ref _frames[_depth - 1];
            (key, hint) = parent.IsArray ? (parent.Key, parent.KeyHint) : (_key, _keyHint);
        }

        if (_depth == _frames.Length) Array.Resize(ref _frames, _frames.Length * 2);
        _frames[_depth++] = new Frame(isArray, key, hint, _fields.Count, _textLength, offset, line);
    }

    public void End()
    {
        if (_depth == 0) return;
        var frame = _frames[--_depth];
        if (frame.IsArray)
        {
            // A row of a table ([["DUPONT", "Marie"], ...]) or a top-level array of scalars.
            if (_depth == 0 || _frames[_depth - 1].IsArray) Emit(frame);
            return;
        }

        Interpret(frame);
        if (EmitsOnItsOwn(frame))
        {
            Emit(frame);
        }
        else if (frame.KeyHint == FieldHint.Other)
        {
            // "medecin": {"nom": ...} joins the patient's record, but its names are somebody else's.
            Rehint(frame, _ => null, names: FieldHint.Other);
        }
    }

    public void Property(ReadOnlySpan<char> name)
    {
        _key = KindOf(name);
        _keyHint = HintOf(_key, name);
    }

    public void Scalar(ReadOnlySpan<char> value)
    {
        if (_depth == 0 || value.IsEmpty) return;
        ref var top = ref _frames[_depth - 1];
        var (key, hint) = top.IsArray ? (top.Key, top.KeyHint) : (_key, _keyHint);
        if (!top.IsArray && key == JsonKey.ResourceType)
        {
            top.IsResource = true;
            return;
        }

        Add(value, hint, key);
    }

    /// <summary>A string of <see cref="ProseChars"/> or more: prose becomes a free-text record, a blob is dropped.</summary>
    public void Text(ReadOnlySpan<char> value, long offset, long line)
    {
        var spaces = value.Count(' ');
        if (spaces >= 5 && spaces * 30 >= value.Length)
        {
            context.BeginRecord(writer, offset, line, RecordShape.FreeText);
            writer.AddField(value[..Math.Min(value.Length, MaxFreeTextChars)]);
            writer.EndRecord();
            return;
        }

        if (value.Length <= MaxValueChars) Scalar(value);
    }

    /// <summary>Closes what is open, as if the text ended here: used after a syntax error and at the end.</summary>
    public void Finish()
    {
        while (_depth > 0) End();
    }

    private bool EmitsOnItsOwn(Frame frame)
    {
        if (_depth == 0 || frame.IsResource) return true;
        if (_fields.Count - frame.FieldStart > MaxRecordFields) return true;
        var parent = _frames[_depth - 1];
        if (!parent.IsArray) return frame.Key == JsonKey.IdLike;

        // An element of an array: a part of the object owning the array, or an entity.
        if (_depth < 2 || _frames[_depth - 2].IsArray) return true;
        return InsideResource()
            ? parent.Key is JsonKey.Entry or JsonKey.Contact or JsonKey.Contained
            : parent.Key is not (JsonKey.Name or JsonKey.Telecom or JsonKey.Identifier or JsonKey.Address or JsonKey.Given
                or JsonKey.Coding or JsonKey.Extension or JsonKey.Phones or JsonKey.Emails);
    }

    private bool InsideResource()
    {
        for (var i = _depth - 1; i >= 0; i--)
        {
            if (_frames[i].IsResource) return true;
        }

        return false;
    }

    /// <summary>FHIR datatypes whose meaning depends on a sibling value: HumanName.use, Identifier.system, ContactPoint.system.</summary>
    private void Interpret(Frame frame)
    {
        switch (frame.Key)
        {
            case JsonKey.Name:
                var use = ValueOf(frame, JsonKey.Use);
                var family = use switch
                {
                    "official" or "maiden" => FieldHint.BirthName,
                    "usual" => FieldHint.UsageName,
                    _ => FieldHint.LastName,
                };
                Rehint(frame, k => k switch
                {
                    JsonKey.Family => family,
                    JsonKey.Given => FieldHint.FirstName,
                    JsonKey.Text => FieldHint.FullName,
                    JsonKey.Prefix or JsonKey.Suffix or JsonKey.Use => FieldHint.Other,
                    _ => null,
                });
                break;
            case JsonKey.Telecom:
                var system = ValueOf(frame, JsonKey.System);
                var telecom = system switch
                {
                    "phone" or "sms" => FieldHint.Phone,
                    "email" => FieldHint.Email,
                    _ => system.IsEmpty ? FieldHint.None : FieldHint.Other,
                };
                Rehint(frame, k => k == JsonKey.Value ? telecom : null);
                break;
            case JsonKey.Identifier:
                var nir = IsNirSystem(ValueOf(frame, JsonKey.System));
                Rehint(frame, k => k == JsonKey.Value ? nir ? FieldHint.Nir : FieldHint.Identifier : FieldHint.Other);
                break;
            case JsonKey.Extension:
                var url = ValueOf(frame, JsonKey.Url);
                var extension = url.EndsWith("birth-list-given-name", StringComparison.Ordinal) ? FieldHint.FirstName : FieldHint.Other;
                Rehint(frame, k => k == JsonKey.ValueX ? extension : null);
                break;
            case JsonKey.Address:
                RehintNone(frame, FieldHint.Other);
                break;
        }
    }

    private ReadOnlySpan<char> ValueOf(Frame frame, JsonKey key)
    {
        for (var i = frame.FieldStart; i < _fields.Count; i++)
        {
            var f = _fields[i];
            if (f.Key == key) return _text.AsSpan(f.Start, f.Length);
        }

        return default;
    }

    private void Rehint(Frame frame, Func<JsonKey, FieldHint?> hintOf, FieldHint? names = null)
    {
        for (var i = frame.FieldStart; i < _fields.Count; i++)
        {
            var f = _fields[i];
            if (hintOf(f.Key) is { } hint) _fields[i] = f with { Hint = hint };
            else if (names is { } other && f.Hint is FieldHint.LastName or FieldHint.BirthName or FieldHint.UsageName or FieldHint.FirstName
                or FieldHint.FullName or FieldHint.BirthDate or FieldHint.Nir) _fields[i] = f with { Hint = other };
        }
    }

    private void RehintNone(Frame frame, FieldHint hint)
    {
        for (var i = frame.FieldStart; i < _fields.Count; i++)
        {
            if (_fields[i].Hint == FieldHint.None) _fields[i] = _fields[i] with { Hint = hint };
        }
    }

    private void Add(ReadOnlySpan<char> value, FieldHint hint, JsonKey key)
    {
        if (_textLength + value.Length > _text.Length) Array.Resize(ref _text, Math.Max(_text.Length * 2, _textLength + value.Length));
        value.CopyTo(_text.AsSpan(_textLength));
        _fields.Add(new Field(_textLength, value.Length, hint, key));
        _textLength += value.Length;

        // A huge flat object (or array of scalars) is cut into records rather than held.
        ref var top = ref _frames[_depth - 1];
        if (_fields.Count - top.FieldStart >= 4 * MaxRecordFields) Emit(top);
    }

    /// <summary>Writes the fields gathered since <paramref name="frame"/> opened as one record and forgets them.</summary>
    private void Emit(Frame frame)
    {
        var count = _fields.Count - frame.FieldStart;
        if (count <= 0) return;
        context.BeginRecord(writer, frame.Offset, frame.Line);
        for (var i = frame.FieldStart; i < _fields.Count; i++)
        {
            var f = _fields[i];
            writer.AddField(_text.AsSpan(f.Start, f.Length), f.Hint);
        }

        writer.EndRecord();
        _fields.RemoveRange(frame.FieldStart, count);
        _textLength = frame.TextStart;
    }

    private static bool IsNirSystem(ReadOnlySpan<char> system)
    {
        foreach (var oid in NirOids)
        {
            if (system.EndsWith(oid, StringComparison.Ordinal)) return true;
        }

        return false;
    }

    private FieldHint HintOf(JsonKey key, ReadOnlySpan<char> name) => key switch
    {
        JsonKey.BirthDate => FieldHint.BirthDate,
        JsonKey.Family => FieldHint.LastName,
        JsonKey.Given => FieldHint.FirstName,
        JsonKey.Phones => FieldHint.Phone,
        JsonKey.Emails => FieldHint.Email,
        JsonKey.Use or JsonKey.System or JsonKey.Url or JsonKey.Prefix or JsonKey.Suffix or JsonKey.Coding => FieldHint.Other,
        JsonKey.Value or JsonKey.ValueX or JsonKey.Text => FieldHint.None,
        _ => _hints.Classify(name),
    };

    private static JsonKey KindOf(ReadOnlySpan<char> key) => key switch
    {
        "resourceType" => JsonKey.ResourceType,
        "name" or "names" => JsonKey.Name,
        "telecom" => JsonKey.Telecom,
        "identifier" or "identifiers" => JsonKey.Identifier,
        "address" or "addresses" => JsonKey.Address,
        "contact" => JsonKey.Contact,
        "entry" => JsonKey.Entry,
        "contained" => JsonKey.Contained,
        "extension" or "modifierExtension" => JsonKey.Extension,
        "use" => JsonKey.Use,
        "system" => JsonKey.System,
        "value" => JsonKey.Value,
        "family" => JsonKey.Family,
        "given" => JsonKey.Given,
        "text" => JsonKey.Text,
        "prefix" => JsonKey.Prefix,
        "suffix" => JsonKey.Suffix,
        "url" => JsonKey.Url,
        "birthDate" => JsonKey.BirthDate,
        "coding" => JsonKey.Coding,
        "phones" or "phoneNumbers" or "telephones" => JsonKey.Phones,
        "emails" => JsonKey.Emails,
        _ when key.Length > 5 && key.StartsWith("value") && char.IsAsciiLetterUpper(key[5]) => JsonKey.ValueX,
        _ when IsIdLike(key) => JsonKey.IdLike,
        _ => JsonKey.Other,
    };

    /// <summary>Keys that are identifiers ("0", "12345", "patient_0042", a UUID): their objects are entities of a map.</summary>
    private static bool IsIdLike(ReadOnlySpan<char> key)
    {
        if (key.IsEmpty) return false;
        if (key.IndexOfAnyExceptInRange('0', '9') < 0) return true;
        var digits = 0;
        foreach (var c in key)
        {
            if (char.IsAsciiDigit(c)) digits++;
            else if (!char.IsAsciiLetter(c) && c is not ('-' or '_')) return false;
        }

        return key.Length >= 8 && digits >= 2;
    }

    private enum JsonKey : byte
    {
        Other = 0,
        IdLike,
        ResourceType,
        Name,
        Telecom,
        Identifier,
        Address,
        Contact,
        Entry,
        Contained,
        Extension,
        Use,
        System,
        Value,
        ValueX,
        Family,
        Given,
        Text,
        Prefix,
        Suffix,
        Url,
        BirthDate,
        Coding,
        Phones,
        Emails,
    }

    private readonly record struct Field(int Start, int Length, FieldHint Hint, JsonKey Key);

    private record struct Frame(bool IsArray, JsonKey Key, FieldHint KeyHint, int FieldStart, int TextStart, long Offset, long Line)
    {
        public bool IsResource { get; set; }
    }
}
