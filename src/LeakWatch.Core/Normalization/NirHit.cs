namespace LeakWatch.Core.Normalization;

/// <summary>A NIR found in free text.</summary>
/// <param name="Body">The 13-character body (2A/2B kept), what is fingerprinted.</param>
internal readonly record struct NirHit(int Start, int Length, string Body)
{
    /// <summary>Where, never what.</summary>
    public override string ToString() => $"NirHit(start={Start}, length={Length})";
}
