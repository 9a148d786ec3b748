using System.Globalization;
using LeakWatch.Core.Normalization;
using LeakWatch.Service.CommandLine;

namespace LeakWatch.Service.Enrollment;

/// <summary>
/// Which column of the export plays which role: guessed from the header names, overridden by <c>--map kind=COLUMN</c>.
/// Works on column names only; it never sees a value.
/// </summary>
internal sealed class ColumnMap
{
    private readonly int[] _columns;
    private readonly List<string> _notes = [];

    private ColumnMap(IReadOnlyList<string> header)
    {
        Header = header;
        _columns = new int[ColumnRoles.All.Count];
        Array.Fill(_columns, -1);
    }

    public IReadOnlyList<string> Header { get; }

    // True when some header name is a known column name. When none is, the "header" may well be the first patient's
    // row of an export without one: its cells are then never printed.
    private bool _headerLooksLikeNames;

    /// <summary>The header names for a message, or only their count when they may be a row of patient data.</summary>
    private string Columns() => _headerLooksLikeNames
        ? string.Join(", ", Header)
        : $"{Header.Count} columns, none with a known name (not shown: the first line may be a patient's row, not a header)";

    /// <summary>The column index for <paramref name="role"/>, or -1.</summary>
    public int this[ColumnRole role] => _columns[(int)role];

    public bool Has(ColumnRole role) => this[role] >= 0;

    /// <summary>Remarks about the header: columns ignored, ambiguous names.</summary>
    public IReadOnlyList<string> Notes => _notes;

    /// <param name="classify">How a header name is read (ColumnNames.Classify, shared with detection).</param>
    /// <param name="overrides"><c>kind=COLUMN</c> (a header name, or a 1-based column number); <c>kind=</c> drops the role.</param>
    public static ColumnMap Build(IReadOnlyList<string> header, Func<string, FieldHint> classify, IEnumerable<string> overrides)
    {
        var map = new ColumnMap(header);
        var lastNames = new List<int>();
        for (var i = 0; i < header.Count; i++)
        {
            var hint = classify(header[i]);
            map._headerLooksLikeNames |= hint != FieldHint.None;
            ColumnRole? role = hint switch
            {
                FieldHint.Identifier => ColumnRole.Id,
                FieldHint.BirthName => ColumnRole.BirthName,
                FieldHint.UsageName => ColumnRole.UsageName,
                FieldHint.FirstName => ColumnRole.FirstNames,
                FieldHint.BirthDate => ColumnRole.BirthDate,
                FieldHint.Nir => ColumnRole.Nir,
                FieldHint.Phone => ColumnRole.Phone,
                FieldHint.Email => ColumnRole.Email,
                FieldHint.PostalCode => ColumnRole.PostalCode,
                _ => null,
            };
            if (hint == FieldHint.LastName) lastNames.Add(i);
            else if (hint == FieldHint.FullName) map._notes.Add($"column {header[i]} looks like a full name; it is not split (use --map birth-name=... and first-names=... if the export has the parts).");
            else if (role is { } r) map.Assign(r, i, guessed: true);
        }
        // A plain "NOM" is the birth name unless one is named as such; then it is the usage name.
        foreach (var i in lastNames)
        {
            if (!map.Has(ColumnRole.BirthName)) map.Assign(ColumnRole.BirthName, i, guessed: true);
            else if (!map.Has(ColumnRole.UsageName)) map.Assign(ColumnRole.UsageName, i, guessed: true);
            else map._notes.Add($"column {header[i]} looks like another last name; ignored.");
        }

        foreach (var entry in overrides)
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0 || !ColumnRoles.TryParseKind(entry[..equals], out var role))
            {
                throw new LeakWatchException(
                    $"--map {entry}: expected kind=COLUMN with kind one of {string.Join(", ", ColumnRoles.All.Select(r => r.Kind()))}.",
                    ExitCodes.BadConfiguration);
            }
            var column = entry[(equals + 1)..].Trim();
            if (column.Length == 0)
            {
                map._columns[(int)role] = -1;
                continue;
            }
            var index = map.Find(column);
            if (index < 0)
            {
                throw new LeakWatchException($"--map {entry}: the export has no column {column} (columns: {map.Columns()}).", ExitCodes.BadConfiguration);
            }
            // One column, one role: an explicit mapping takes the column away from a guessed role.
            for (var r = 0; r < map._columns.Length; r++)
            {
                if (map._columns[r] == index) map._columns[r] = -1;
            }
            map._columns[(int)role] = index;
        }
        return map;
    }

    /// <summary>Refuses an export that cannot be enrolled, saying what is missing.</summary>
    public void RequireEnrollable()
    {
        if (!Has(ColumnRole.Id))
        {
            throw new LeakWatchException(
                $"No identifier column (IPP) found among: {Columns()}. Name it with --map id=COLUMN: patients are told apart by it.",
                ExitCodes.Failure);
        }
        var identity = Has(ColumnRole.FirstNames) && Has(ColumnRole.BirthDate) && (Has(ColumnRole.BirthName) || Has(ColumnRole.UsageName));
        if (!Has(ColumnRole.Nir) && !Has(ColumnRole.Email) && !Has(ColumnRole.Phone) && !identity)
        {
            throw new LeakWatchException(
                $"No identifying column found among: {Columns()}. LeakWatch needs a NIR, an email, a phone, or last name + first names + birth date; name them with --map (e.g. --map nir=COLUMN).",
                ExitCodes.Failure);
        }
    }

    /// <summary>One line per role: which column, or none. Column names only.</summary>
    public IEnumerable<string> Describe()
    {
        foreach (var role in ColumnRoles.All)
        {
            var column = this[role] < 0 ? "(none)"
                : _headerLooksLikeNames ? Header[this[role]]
                : "column " + (this[role] + 1).ToString(CultureInfo.InvariantCulture);
            var remark = role == ColumnRole.PostalCode && Has(role) ? "  (read, not fingerprinted)" : "";
            yield return $"  {role.Kind(),-12} <- {column}{remark}";
        }
        foreach (var note in _notes) yield return "  note: " + note;
    }

    private void Assign(ColumnRole role, int index, bool guessed)
    {
        if (Has(role))
        {
            if (guessed) _notes.Add($"column {Header[index]} also looks like {role.Kind()}; {Header[this[role]]} was taken (use --map {role.Kind()}=COLUMN to choose).");
            return;
        }
        _columns[(int)role] = index;
    }

    private int Find(string column)
    {
        for (var i = 0; i < Header.Count; i++)
        {
            if (string.Equals(Header[i].Trim(), column, StringComparison.OrdinalIgnoreCase)) return i;
        }
        return int.TryParse(column, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= 1 && number <= Header.Count ? number - 1 : -1;
    }
}
