using System.Security.Cryptography;
using LeakWatch.Core.Fingerprinting;
using LeakWatch.Core.Matching;
using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Keys;
using LeakWatch.Service.Storage;
using Microsoft.Extensions.Logging;

namespace LeakWatch.Service.Canaries;

/// <summary>What <c>canary create</c> made: the identities (to print once) and the counts. The identities are in memory only.</summary>
internal sealed record CanaryBatch(CanarySetInfo Set, IReadOnlyList<CanaryIdentity> Identities, int Regenerated, bool CheckedAgainstPatients);

/// <summary>
/// Makes canaries for a system and records their fingerprints. A candidate that shares a NIR, a phone, an e-mail or a
/// name and birth date (or any other linked fingerprint) with an enrolled patient or another canary is thrown away
/// and drawn again, so a canary can never be confused with a real patient. Nothing but fingerprints is written. The
/// enrolled patients are looked up in the active enrollment's index file, as scans do, never loaded whole. Canaries are
/// made under the enrollment lock: an enrollment that is building a new base would not be checked against, and would
/// not know of canaries made meanwhile.
/// </summary>
internal sealed class CanaryMaker(KeyProvider keys, Database database, FingerprintIndexFiles patients, CanaryStore store, ILogger<CanaryMaker> logger)
{
    public const int MaxCount = 1000;
    private const int MaxDrawsPerCanary = 1000;

    /// <summary>Draws one candidate (the e-mail domain or null); tests replace it to force a collision.</summary>
    internal Func<string?, CanaryIdentity> Generator { get; set; } = CanaryGenerator.Next;

    public async Task<CanaryBatch> CreateAsync(string system, int count, string? emailDomain, CancellationToken cancellationToken)
    {
        var fingerprintKeys = await keys.GetKeysAsync(cancellationToken);
        // Taken after the database is open (opening removes a dead enrollment's leftovers, which needs the lock free).
        using var enrolling = database.LockEnrollment("canary create");
        // The enrolled base through its index file, mapped read-only: memory does not grow with the base (the file is
        // built first when missing or stale, as a scan would).
        using var index = await patients.OpenActiveAsync(fingerprintKeys, cancellationToken);
        var existing = await store.LoadAsync(cancellationToken, includeRetired: true);
        var taken = new HashSet<ulong>(existing.Linked.Select(l => l.Key));

        using var fingerprinter = fingerprintKeys.CreateFingerprinter();
        var identities = new List<CanaryIdentity>(count);
        var fingerprints = new List<CanaryFingerprints>(count);
        var regenerated = 0;
        var found = new List<int>();
        while (identities.Count < count)
        {
            var candidate = Generator(emailDomain);
            var computed = CanaryFingerprinter.Compute(fingerprinter, candidate, new Fingerprint(BitConverter.ToUInt128(RandomNumberGenerator.GetBytes(Fingerprint.Size))));
            if (Collides(computed, index, taken, found))
            {
                if (++regenerated > MaxDrawsPerCanary * count)
                {
                    throw new LeakWatchException("Could not draw canaries that differ from every enrolled patient and canary; try a smaller --count.");
                }
                continue;
            }
            foreach (var (_, key) in computed.Linked) taken.Add(key);
            identities.Add(candidate);
            fingerprints.Add(computed);
        }
        var set = await store.AddSetAsync(system, fingerprints, cancellationToken);
        Log.CanariesCreated(logger, count, system, regenerated);
        return new CanaryBatch(set, identities, regenerated, index is not null);
    }

    private static bool Collides(CanaryFingerprints canary, FingerprintIndex? index, HashSet<ulong> taken, List<int> found)
    {
        foreach (var (_, key) in canary.Linked)
        {
            if (taken.Contains(key)) return true;
            found.Clear();
            if (index is not null && index.Lookup(key, found) > 0) return true;
        }
        return false;
    }
}
