using PhoneNumbers;

namespace LeakWatch.Core.Normalization;

/// <summary>
/// A cheap filter before libphonenumber: a known country calling code followed by a national number of a length
/// one of its regions allows. Zero-padded identifiers ("0045678912") and other digit strings would otherwise
/// each cost a parse, and a dump column of them costs seconds.
/// </summary>
internal static class CallingCodes
{
    // Bit n set: a national significant number of n digits is possible for that calling code.
    private static readonly uint[] PossibleLengths = Build();

    public static bool IsPlausible(ReadOnlySpan<char> internationalDigits)
    {
        var code = 0;
        for (var i = 0; i < 3 && i < internationalDigits.Length - 1; i++)
        {
            code = code * 10 + (internationalDigits[i] - '0');
            var nationalLength = internationalDigits.Length - i - 1;
            if (nationalLength < 32 && (PossibleLengths[code] & (1u << nationalLength)) != 0) return true;
        }
        return false;
    }

    private static uint[] Build()
    {
        var library = PhoneNumberUtil.GetInstance();
        var lengths = new uint[1000];
        foreach (var region in library.GetSupportedRegions())
        {
            var code = library.GetCountryCodeForRegion(region);
            var metadata = library.GetMetadataForRegion(region);
            if (metadata is null || code is <= 0 or >= 1000) continue;
            foreach (var length in metadata.GeneralDesc.PossibleLengthList)
            {
                if (length is > 0 and < 32) lengths[code] |= 1u << length;
            }
        }
        return lengths;
    }
}
