namespace LeakWatch.Core.Fingerprinting;

/// <summary>
/// Which keyed function and inputs made an enrollment's fingerprints. The database records it with each enrollment;
/// a scan refuses an enrollment of another scheme ("re-enroll: the fingerprint scheme changed"), because its
/// fingerprints can never match the scanner's.
/// </summary>
public static class FingerprintScheme
{
    /// <summary>
    /// 1: HMAC-SHA256 per kind, truncated to 128 bits. 2: SipHash-2-4-128 per kind (keys HKDF "leakwatch/v2/"),
    /// patient references still HMAC-SHA256 (so references printed before stay valid), and the parts of compound
    /// last names fingerprinted as last names of their own.
    /// </summary>
    public const int Current = 2;

    public static string ChangedMessage(long enrolledWith) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"re-enroll: the fingerprint scheme changed (this LeakWatch fingerprints with scheme {Current}, the active enrollment was made with scheme {enrolledWith}). ") +
        "Run `leakwatch enroll FILE` with the lab's export again.";
}
