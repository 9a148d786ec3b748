namespace LeakWatch.Core.Normalization;

/// <summary>An email address found in free text.</summary>
/// <param name="Email">The normalized address (lower case), what is fingerprinted.</param>
internal readonly record struct EmailHit(int Start, int Length, string Email)
{
    /// <summary>Where, never what.</summary>
    public override string ToString() => $"EmailHit(start={Start}, length={Length})";
}
