using System.Numerics;

namespace LeakWatch.Core.Matching;

/// <summary>
/// The in-memory form of a snapshot: an open-addressing table from linked keys to patient ordinals (a key may point
/// at several patients: twins, a shared phone), and a set of unlinked members. Built once per enrollment, read by
/// every worker without locks. About 16 bytes per linked fingerprint and 10 per set member.
/// </summary>
internal sealed class FingerprintIndex
{
    private readonly ulong[] _linkedKeys;
    private readonly int[] _linkedPatients;
    private readonly int _linkedMask;
    private readonly ulong[] _set;
    private readonly int _setMask;

    public FingerprintIndex(FingerprintSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.LinkedKeys.Length != snapshot.LinkedPatients.Length)
        {
            throw new ArgumentException("Linked keys and patients differ in length.", nameof(snapshot));
        }
        Patients = snapshot.Patients;

        var linkedCapacity = Capacity(snapshot.LinkedKeys.Length);
        _linkedKeys = new ulong[linkedCapacity];
        _linkedPatients = new int[linkedCapacity];
        _linkedMask = linkedCapacity - 1;
        for (var i = 0; i < snapshot.LinkedKeys.Length; i++)
        {
            var key = NonZero(snapshot.LinkedKeys[i]);
            var slot = Slot(key, _linkedMask);
            while (_linkedKeys[slot] != 0) slot = (slot + 1) & _linkedMask;
            _linkedKeys[slot] = key;
            _linkedPatients[slot] = snapshot.LinkedPatients[i];
        }

        var setCapacity = Capacity(snapshot.SetMembers.Length);
        _set = new ulong[setCapacity];
        _setMask = setCapacity - 1;
        foreach (var member in snapshot.SetMembers)
        {
            var key = NonZero(member);
            var slot = Slot(key, _setMask);
            while (_set[slot] != 0 && _set[slot] != key) slot = (slot + 1) & _setMask;
            _set[slot] = key;
        }
    }

    public IReadOnlyList<Core.Fingerprinting.Fingerprint> Patients { get; }

    /// <summary>Adds to <paramref name="patients"/> every patient the key points at; returns how many.</summary>
    public int Lookup(ulong key, List<int> patients)
    {
        key = NonZero(key);
        var found = 0;
        var slot = Slot(key, _linkedMask);
        while (true)
        {
            var stored = _linkedKeys[slot];
            if (stored == 0) return found;
            if (stored == key)
            {
                patients.Add(_linkedPatients[slot]);
                found++;
            }
            slot = (slot + 1) & _linkedMask;
        }
    }

    public bool ContainsMember(ulong key)
    {
        key = NonZero(key);
        var slot = Slot(key, _setMask);
        while (true)
        {
            var stored = _set[slot];
            if (stored == key) return true;
            if (stored == 0) return false;
            slot = (slot + 1) & _setMask;
        }
    }

    // Keys are uniform keyed-PRF output: their bits are already a good hash. Zero marks an empty slot.
    private static ulong NonZero(ulong key) => key == 0 ? 1 : key;

    private static int Slot(ulong key, int mask) => (int)(key >> 20) & mask;

    // Load factor between 3/8 and 3/4: probe chains stay short (a miss reads about three slots at worst), and ten
    // million linked fingerprints fit in 200 MB rather than 400.
    private static int Capacity(int count) => (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, count + count / 3 + 1));
}
