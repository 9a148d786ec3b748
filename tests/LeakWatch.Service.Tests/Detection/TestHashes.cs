using LeakWatch.Core.Fingerprinting;
using LeakWatch.Service.Detection;

namespace LeakWatch.Service.Tests.Detection;

/// <summary>The keyed content and name hashes a test's service computes: from its key file, or a fresh key.</summary>
internal static class TestHashes
{
    public static ContentHashes FromKeyFile(string keyFile) =>
        SecretKey.TryParse(File.ReadAllText(keyFile), out var key) ? new ContentHashes(new FingerprintKeys(key!)) : throw new InvalidOperationException("No key in " + keyFile);

    public static ContentHashes Fresh() => new(new FingerprintKeys(SecretKey.Generate()));
}
