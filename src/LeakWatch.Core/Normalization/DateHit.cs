namespace LeakWatch.Core.Normalization;

/// <summary>A date found in free text.</summary>
/// <param name="Value">yyyyMMdd as a number (19650312); for a two-digit year the 19yy reading.</param>
/// <param name="AltValue">The 20yy reading of a two-digit year, or 0.</param>
internal readonly record struct DateHit(int Start, int Length, int Value, int AltValue)
{
    /// <summary>Where, never what: a date found in a dump may be a patient's date of birth.</summary>
    public override string ToString() => $"DateHit(start={Start}, length={Length})";
}
