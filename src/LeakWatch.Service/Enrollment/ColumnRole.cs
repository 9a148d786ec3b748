namespace LeakWatch.Service.Enrollment;

/// <summary>What a column of the export is used for. The names are the kinds of <c>--map kind=COLUMN</c>.</summary>
internal enum ColumnRole
{
    Id,
    BirthName,
    UsageName,
    FirstNames,
    BirthDate,
    Nir,
    Phone,
    Email,
    PostalCode,
}

internal static class ColumnRoles
{
    public static IReadOnlyList<ColumnRole> All { get; } = Enum.GetValues<ColumnRole>();

    /// <summary>The name on the command line: id, birth-name, usage-name, first-names, birth-date, nir, phone, email, postal-code.</summary>
    public static string Kind(this ColumnRole role) => role switch
    {
        ColumnRole.Id => "id",
        ColumnRole.BirthName => "birth-name",
        ColumnRole.UsageName => "usage-name",
        ColumnRole.FirstNames => "first-names",
        ColumnRole.BirthDate => "birth-date",
        ColumnRole.Nir => "nir",
        ColumnRole.Phone => "phone",
        ColumnRole.Email => "email",
        ColumnRole.PostalCode => "postal-code",
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };

    public static bool TryParseKind(string kind, out ColumnRole role)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.Kind(), kind.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                role = candidate;
                return true;
            }
        }
        role = default;
        return false;
    }
}
