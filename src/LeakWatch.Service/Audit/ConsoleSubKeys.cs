using System.Security.Cryptography;
using System.Text;
using LeakWatch.Core.Fingerprinting;
using LeakWatch.Service.Keys;

namespace LeakWatch.Service.Audit;

/// <summary>
/// The console's own keys (the audit chain, sealed second-factor secrets), derived with HKDF from the secret key, so a
/// copy of the database alone can neither forge audit entries nor read a second-factor secret. They expand the
/// patient-reference HMAC sub-key (itself an HKDF output of the secret key that never leaves the process) with an info
/// of their own, so the outputs are independent of it and of each other, and Core's fingerprint kinds stay untouched.
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
        HKDF.Expand(HashAlgorithmName.SHA256, keys.HmacKey(FingerprintKind.PatientRef), 32, Encoding.ASCII.GetBytes("leakwatch/v1/console/" + purpose));
}
