using System.Security.Cryptography;
using System.Text;
using LeakWatch.Core.Fingerprinting;

namespace LeakWatch.Core.Tests.Fingerprinting;

public sealed class SipHashTests
{
    private static readonly byte[] ReferenceKey = Convert.FromHexString("000102030405060708090a0b0c0d0e0f");

    // Expected outputs made with OpenSSL's own SipHash: `openssl mac -macopt hexkey:000102...0f -macopt size:16 SIPHASH`.
    [Theory]
    [InlineData("", "A3817F04BA25A8E66DF67214C7550293")]                                   // the paper's first 128-bit vector
    [InlineData("000102030405060708090a0b0c0d0e", "5493E99933B0A8117E08EC0F97CFC3D9")]      // 15 bytes: a block and a 7-byte tail
    [InlineData("4455504f4e547c4d415249457c3139363530333132", "7D8ADB4C7DF635575370CC84F67A67B6")] // "DUPONT|MARIE|19650312"
    [InlineData("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f",
        "1EAF077DC0D4CD3F8CAD4D383658A74B")]                                                  // 64 bytes: whole blocks only
    public void Compute128_ReferenceInputs_MatchesOpenSsl(string inputHex, string expectedHex)
    {
        var value = new SipHash(ReferenceKey).Compute128(Convert.FromHexString(inputHex));

        var bytes = new byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt128LittleEndian(bytes, value);
        Assert.Equal(expectedHex, Convert.ToHexString(bytes));
    }

    [Fact]
    public void ComputeLow_EveryLengthUpTo70_IsTheLowHalfOfCompute128()
    {
        var hash = new SipHash(ReferenceKey);
        var data = Enumerable.Range(0, 70).Select(i => (byte)(i * 37 + 11)).ToArray();
        for (var length = 0; length <= data.Length; length++)
        {
            Assert.Equal((ulong)hash.Compute128(data.AsSpan(0, length)), hash.ComputeLow(data.AsSpan(0, length)));
        }
    }

    [Fact]
    public void Constructor_KeyOfWrongLength_Throws()
    {
        Assert.Throws<ArgumentException>(() => new SipHash(new byte[32]));
    }
}

public sealed class FingerprinterTests
{
    private static readonly SecretKey Key = SecretKey.FromBytes(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    [Fact]
    public void Compute_SameValueOfTwoKinds_Differs()
    {
        using var fp = new FingerprintKeys(Key).CreateFingerprinter();

        Assert.NotEqual(fp.Compute(FingerprintKind.LastNameSet, "MARTIN"), fp.Compute(FingerprintKind.FirstNameSet, "MARTIN"));
        Assert.NotEqual(fp.Compute(FingerprintKind.Identity, "MARTIN", "MARIE", "19650312"), fp.Compute(FingerprintKind.IdentityPart, "MARTIN", "MARIE", "19650312"));
    }

    [Fact]
    public void Compute_SetMember_IsSipHashUnderTheKindsHkdfKey()
    {
        using var fp = new FingerprintKeys(Key).CreateFingerprinter();
        var expected = new SipHash(Key.DeriveSipHashKey(FingerprintKind.NamePairSet)).Compute128(Encoding.UTF8.GetBytes("DUPONT|MARIE"));

        Assert.Equal(expected, fp.Compute(FingerprintKind.NamePairSet, "DUPONT", "MARIE").Value);
    }

    [Fact]
    public void Compute_OtherKey_GivesOtherFingerprints()
    {
        using var one = new FingerprintKeys(Key).CreateFingerprinter();
        using var other = new FingerprintKeys(SecretKey.FromBytes(new byte[32])).CreateFingerprinter();

        Assert.NotEqual(one.Compute(FingerprintKind.Identity, "DUPONT", "MARIE", "19650312"), other.Compute(FingerprintKind.Identity, "DUPONT", "MARIE", "19650312"));
    }

    [Fact]
    public void Compute_NonAsciiValue_IsItsUtf8()
    {
        using var fp = new FingerprintKeys(Key).CreateFingerprinter();
        var expected = new SipHash(Key.DeriveSipHashKey(FingerprintKind.Email)).Compute128(Encoding.UTF8.GetBytes("hélène@exemple.fr"));

        Assert.Equal(expected, fp.Compute(FingerprintKind.Email, "hélène@exemple.fr").Value);
    }

    [Fact]
    public void PatientRef_StaysHmacSha256OfTheSchemeOneSubKey()
    {
        // References printed by scan and recorded in incidents before the scheme changed must keep naming the same patients.
        using var fp = new FingerprintKeys(Key).CreateFingerprinter();
        var expected = HMACSHA256.HashData(Key.DeriveSubKey(FingerprintKind.PatientRef), Encoding.UTF8.GetBytes("IPP001"))[..16];

        Assert.Equal(expected, fp.Compute(FingerprintKind.PatientRef, "IPP001").ToBytes());
    }

    /// <summary>Each recipe's key method is the index key of the recipe's fingerprint, on random values and words.</summary>
    [Fact]
    public void RecipeKeys_RandomValues_AreTheIndexKeysOfTheRecipesFingerprints()
    {
        using var fp = new FingerprintKeys(Key).CreateFingerprinter();
        var random = new Random(8);
        string Word() => new(Enumerable.Range(0, random.Next(0, 30)).Select(_ => "ABCDÉÈZ-'0129 @.ß"[random.Next(17)]).ToArray());
        static ulong K(Fingerprint f) => LeakWatch.Core.Matching.FingerprintSnapshot.Key(f);
        for (var n = 0; n < 2_000; n++)
        {
            string a = Word(), b = Word(), c = Word();
            Assert.Equal(K(FingerprintRecipe.Nir(fp, a)), FingerprintRecipe.NirKey(fp, a));
            Assert.Equal(K(FingerprintRecipe.NirName(fp, a, b)), FingerprintRecipe.NirNameKey(fp, a, b));
            Assert.Equal(K(FingerprintRecipe.NirBirthDate(fp, a, b)), FingerprintRecipe.NirBirthDateKey(fp, a, b));
            Assert.Equal(K(FingerprintRecipe.Email(fp, a)), FingerprintRecipe.EmailKey(fp, a));
            Assert.Equal(K(FingerprintRecipe.EmailName(fp, a, b)), FingerprintRecipe.EmailNameKey(fp, a, b));
            Assert.Equal(K(FingerprintRecipe.Phone(fp, a)), FingerprintRecipe.PhoneKey(fp, a));
            Assert.Equal(K(FingerprintRecipe.PhoneName(fp, a, b)), FingerprintRecipe.PhoneNameKey(fp, a, b));
            Assert.Equal(K(FingerprintRecipe.Identity(fp, a, b, c)), FingerprintRecipe.IdentityKey(fp, a, b, c));
            Assert.Equal(K(FingerprintRecipe.IdentityPart(fp, a, b, c)), FingerprintRecipe.IdentityPartKey(fp, a, b, c));
            Assert.Equal((K(FingerprintRecipe.LastNameMember(fp, a)), K(FingerprintRecipe.FirstNameMember(fp, a))), FingerprintRecipe.NameMemberKeys(fp, a));
            Assert.Equal(K(FingerprintRecipe.NamePairMember(fp, a, b)), FingerprintRecipe.NamePairMemberKey(fp, a, b));
        }
    }

    [Fact]
    public void Key_PatientRef_Throws()
    {
        using var fp = new FingerprintKeys(Key).CreateFingerprinter();

        Assert.Throws<ArgumentOutOfRangeException>(() => fp.Key(FingerprintKind.PatientRef, "IPP001"));
    }
}
