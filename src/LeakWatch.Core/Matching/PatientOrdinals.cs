using LeakWatch.Core.Fingerprinting;

namespace LeakWatch.Core.Matching;

/// <summary>
/// Rows of an export that shared one identifier are one patient in the index: their references are merged, so a match
/// names each patient once.
/// </summary>
public static class PatientOrdinals
{
    /// <summary>
    /// One ordinal per distinct patient reference (a patient enrolled twice keeps the first); linked ordinals follow.
    /// </summary>
    public static (Fingerprint[] Patients, int[] LinkedPatients) MergeDuplicates(Fingerprint[] patients, int[] linkedPatients)
    {
        if (Remap(patients, out var distinct) is not { } remap) return (patients, linkedPatients);
        for (var i = 0; i < linkedPatients.Length; i++) linkedPatients[i] = remap[linkedPatients[i]];
        return (distinct, linkedPatients);
    }

    /// <summary>
    /// Merges repeated references: returns, for each ordinal of <paramref name="patients"/>, its ordinal among the
    /// distinct references (<paramref name="distinct"/>, in first-occurrence order), or null when every reference is
    /// distinct (then <paramref name="distinct"/> is <paramref name="patients"/> itself). Reorders nothing else.
    /// </summary>
    /// <remarks>
    /// Duplicates are found by sorting the references' top 64 bits with their ordinals (12 bytes a patient; a
    /// dictionary of 1 M references took ~36 MB of large objects), then sorting each run of equal tops by whole
    /// reference and ordinal (a few entries, unless an export repeats one reference many times).
    /// </remarks>
    public static int[]? Remap(Fingerprint[] patients, out Fingerprint[] distinct)
    {
        var count = patients.Length;
        var tops = new ulong[count];
        var order = new int[count];
        for (var i = 0; i < count; i++)
        {
            tops[i] = (ulong)(patients[i].Value >> 64);
            order[i] = i;
        }
        Array.Sort(tops, order);
        int[]? firstOf = null; // for a duplicate, the ordinal of its first occurrence; -1 for a first occurrence
        for (var runStart = 0; runStart < count;)
        {
            var runEnd = runStart + 1;
            while (runEnd < count && tops[runEnd] == tops[runStart]) runEnd++;
            if (runEnd - runStart > 1)
            {
                // Sorted by whole reference then ordinal (an export may repeat one reference thousands of times: no
                // pairwise comparison), each reference's first entry is its first occurrence.
                Array.Sort(order, runStart, runEnd - runStart, Comparer<int>.Create((x, y) =>
                {
                    var byReference = patients[x].Value.CompareTo(patients[y].Value);
                    return byReference != 0 ? byReference : x.CompareTo(y);
                }));
                for (int first = runStart, i = runStart + 1; i < runEnd; i++)
                {
                    if (patients[order[i]] != patients[order[first]])
                    {
                        first = i;
                        continue;
                    }
                    if (firstOf is null)
                    {
                        firstOf = new int[count];
                        Array.Fill(firstOf, -1);
                    }
                    firstOf[order[i]] = order[first];
                }
            }
            runStart = runEnd;
        }
        distinct = patients;
        if (firstOf is null) return null;

        var remap = order; // the sort's ordinals are no longer needed
        var kept = 0;
        for (var i = 0; i < count; i++)
        {
            if (firstOf[i] >= 0)
            {
                remap[i] = remap[firstOf[i]]; // the first occurrence comes earlier: already remapped
                continue;
            }
            remap[i] = kept;
            patients[kept++] = patients[i];
        }
        distinct = patients[..kept];
        return remap;
    }
}
