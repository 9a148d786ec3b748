using LeakWatch.Core.Fingerprinting;
using LeakWatch.Service.Keys;

namespace LeakWatch.Service.Audit;

/// <summary>
/// The console's own keys (the audit chain, sealed second-factor secrets), derived with HKDF from the secret key, so a
/// copy of the database alone can neither forge audit entries nor read a second-factor secret. They expand the
/// key-identifier sub-key (itself an HKDF output that never leaves the process; only a hash of it is published) with
/// a purpose of their own, which keeps Core's fingerprint kinds untouched.
/// </summary>
internal sealed class ConsoleSubKeys(KeyProvider keys)
{
    public const string AuditPurpose = "audit-chain";
    public const string SecondFactorPurpose = "second-factor";

    public async Task<byte[]> GetAsync(string purpose, CancellationToken cancellationToken)
    {
        var all = await keys.GetKeysAsync(cancellationToken);
        return Derive(all, purpose);
    }

    public static byte[] Derive(FingerprintKeys keys, string purpose) =>
        keys.DerivePurposeKey("leakwatch/v1/console/" + purpose);
}
