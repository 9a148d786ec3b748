namespace LeakWatch.Synthetic.Documents;

/// <summary>A cell to write: text, a date (written as the format's own date type), or a number.</summary>
public readonly record struct TableCell(string? Text = null, DateOnly? Date = null, double? Number = null)
{
    public static implicit operator TableCell(string text) => new(text);

    public static TableCell Of(DateOnly date) => new(Date: date);

    public static TableCell Of(double number) => new(Number: number);

    /// <summary>The text a reader that knows no types would show.</summary>
    public string Display => Text ?? Date?.ToString("dd/MM/yyyy", System.Globalization.CultureInfo.InvariantCulture)
        ?? Number?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "";
}

/// <summary>A named table: a header row and data rows.</summary>
public sealed record Table(string Name, IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<TableCell>> Rows);
