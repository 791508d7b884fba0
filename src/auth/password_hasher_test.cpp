#include "auth/password_hasher.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace howler::auth {
namespace {

// libsodium's minimum cost keeps these tests fast.
constexpr PasswordParams kFast{.memory_kib = 8, .iterations = 1};

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) {
    out += static_cast<char>(b);
  }
  return out;
}

TEST(PasswordHasherTest, HashIsArgon2idPhcWithTheConfiguredCost) {
  PasswordHasher hasher(kFast);
  auto phc = hasher.Hash("correct horse");
  ASSERT_TRUE(phc.ok()) << phc.status().ToString();
  EXPECT_EQ(phc->rfind("$argon2id$v=19$m=8,t=1,p=1$", 0), 0u) << *phc;
}

TEST(PasswordHasherTest, VerifiesTheRightPasswordOnly) {
  PasswordHasher hasher(kFast);
  auto phc = hasher.Hash("correct horse");
  ASSERT_TRUE(phc.ok());
  EXPECT_TRUE(hasher.Verify(*phc, "correct horse"));
  EXPECT_FALSE(hasher.Verify(*phc, "correct horsE"));
  EXPECT_FALSE(hasher.Verify(*phc, "correct horse "));
  EXPECT_FALSE(hasher.Verify(*phc, ""));
}

TEST(PasswordHasherTest, SaltsEveryHash) {
  PasswordHasher hasher(kFast);
  auto a = hasher.Hash("same password");
  auto b = hasher.Hash("same password");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
  EXPECT_TRUE(hasher.Verify(*a, "same password"));
  EXPECT_TRUE(hasher.Verify(*b, "same password"));
}

TEST(PasswordHasherTest, UsesEveryByteOfLongPasswords) {
  PasswordHasher hasher(kFast);
  const std::string password(kMaxPasswordBytes, 'a');
  auto phc = hasher.Hash(password);
  ASSERT_TRUE(phc.ok());
  EXPECT_TRUE(hasher.Verify(*phc, password));
  std::string changed_late = password;
  changed_late[100] = 'b';  // past bcrypt's 72-byte truncation
  EXPECT_FALSE(hasher.Verify(*phc, changed_late));
  changed_late = password;
  changed_late.back() = 'b';
  EXPECT_FALSE(hasher.Verify(*phc, changed_late));
}

TEST(PasswordHasherTest, AcceptsNonAsciiAndArbitraryBytes) {
  PasswordHasher hasher(kFast);
  const std::string unicode = "p\xC3\xA4sswo\xCC\x88rd \xF0\x9F\x94\x91";
  auto phc = hasher.Hash(unicode);
  ASSERT_TRUE(phc.ok());
  EXPECT_TRUE(hasher.Verify(*phc, unicode));
  EXPECT_FALSE(hasher.Verify(*phc, "passwo\xCC\x88rd \xF0\x9F\x94\x91"));

  const std::string binary = Bytes({0xFF, 0x00, 0x80, 0x00, 0xC0, 0x01, 0x7F, 0x00});
  auto binary_phc = hasher.Hash(binary);
  ASSERT_TRUE(binary_phc.ok());
  EXPECT_TRUE(hasher.Verify(*binary_phc, binary));
  EXPECT_FALSE(hasher.Verify(*binary_phc, binary.substr(0, 1)));
}

TEST(PasswordHasherTest, RejectsPasswordsOverTheLimit) {
  PasswordHasher hasher(kFast);
  const std::string too_long(kMaxPasswordBytes + 1, 'a');
  auto phc = hasher.Hash(too_long);
  ASSERT_FALSE(phc.ok());
  EXPECT_EQ(phc.status().code(), StatusCode::kInvalidArgument);
  auto valid = hasher.Hash("password");
  ASSERT_TRUE(valid.ok());
  EXPECT_FALSE(hasher.Verify(*valid, too_long));
}

TEST(PasswordHasherTest, MalformedHashesNeverVerify) {
  PasswordHasher hasher(kFast);
  auto phc = hasher.Hash("password");
  ASSERT_TRUE(phc.ok());
  const std::string nul_inside = phc->substr(0, 10) + std::string(1, '\0') + phc->substr(10);
  for (const std::string& bad :
       {std::string(), std::string("password"), std::string("$argon2id$"),
        std::string("$argon2id$v=19$m=8,t=1,p=1$"), phc->substr(0, phc->size() - 4), *phc + "AAAA",
        nul_inside, std::string(1000, '$'),
        std::string("$2b$12$abcdefghijklmnopqrstuuTGUbLp4Yx9v3vOeWa3kKQb9WJ3yFbZ6")}) {
    EXPECT_FALSE(hasher.Verify(bad, "password")) << bad;
  }
}

TEST(PasswordHasherTest, NeedsRehashWhenParametersDiffer) {
  PasswordHasher hasher(kFast);
  auto phc = hasher.Hash("password");
  ASSERT_TRUE(phc.ok());
  EXPECT_FALSE(hasher.NeedsRehash(*phc));
  EXPECT_TRUE(PasswordHasher({.memory_kib = 16, .iterations = 1}).NeedsRehash(*phc));
  EXPECT_TRUE(PasswordHasher({.memory_kib = 8, .iterations = 2}).NeedsRehash(*phc));
  EXPECT_TRUE(hasher.NeedsRehash(""));
  EXPECT_TRUE(hasher.NeedsRehash("garbage"));
  // An Argon2i hash with the same cost is still replaced by Argon2id.
  std::string argon2i = *phc;
  argon2i.replace(0, 10, "$argon2i$");
  EXPECT_TRUE(hasher.NeedsRehash(argon2i));
}

TEST(PasswordHasherTest, CheckParamsEnforcesLibsodiumMinimums) {
  EXPECT_TRUE(PasswordHasher::CheckParams(kFast).ok());
  EXPECT_TRUE(PasswordHasher::CheckParams(PasswordParams{}).ok());
  EXPECT_EQ(PasswordHasher::CheckParams({.memory_kib = 7, .iterations = 1}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(PasswordHasher::CheckParams({.memory_kib = 8, .iterations = 0}).code(),
            StatusCode::kInvalidArgument);
}

TEST(PasswordHasherTest, InvalidParamsFailHashingWithoutCrashing) {
  PasswordHasher hasher({.memory_kib = 1, .iterations = 0});
  auto phc = hasher.Hash("password");
  ASSERT_FALSE(phc.ok());
  EXPECT_EQ(phc.status().code(), StatusCode::kInvalidArgument);
  hasher.SpendEquivalentTime("password");
}

TEST(PasswordHasherTest, SpendEquivalentTimeAcceptsAnyInput) {
  PasswordHasher hasher(kFast);
  hasher.SpendEquivalentTime("password");
  hasher.SpendEquivalentTime("");
  hasher.SpendEquivalentTime(std::string(kMaxPasswordBytes + 1, 'x'));
  SUCCEED();
}

TEST(PasswordHasherTest, IsSafeToShareBetweenThreads) {
  const PasswordHasher hasher(kFast);
  std::vector<std::thread> threads;
  threads.reserve(4);
  std::vector<int> verified(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&hasher, &verified, t] {
      const std::string password = "password-" + std::to_string(t);
      for (int i = 0; i < 5; ++i) {
        auto phc = hasher.Hash(password);
        if (phc.ok() && hasher.Verify(*phc, password) && !hasher.Verify(*phc, "other")) {
          ++verified[t];
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(verified, std::vector<int>(4, 5));
}

TEST(ValidatePasswordTest, LengthIsCountedInBytes) {
  EXPECT_TRUE(ValidatePassword("12345678").ok());
  EXPECT_TRUE(ValidatePassword(std::string(kMaxPasswordBytes, 'x')).ok());
  // Four 2-byte characters are 8 bytes.
  EXPECT_TRUE(ValidatePassword("\xC3\xA4\xC3\xA4\xC3\xA4\xC3\xA4").ok());
  for (const std::string& bad :
       {std::string(), std::string("1234567"), std::string(kMaxPasswordBytes + 1, 'x'),
        std::string("\xC3\xA4\xC3\xA4\xC3\xA4")}) {
    Status status = ValidatePassword(bad);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << bad.size();
    EXPECT_EQ(status.message(), "password must be 8-1024 bytes of valid UTF-8");
  }
}

TEST(ValidatePasswordTest, RejectsInvalidUtf8) {
  Status status = ValidatePassword("abcdefgh\xFF");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("password"), std::string::npos);
  EXPECT_FALSE(ValidatePassword("abcdefgh\xED\xA0\x80").ok());
}

TEST(Utf8Test, AcceptsWellFormedSequences) {
  const std::string valid[] = {
      "",
      "plain ascii",
      std::string("nul\0inside", 10),
      Bytes({0xC2, 0x80}),              // U+0080, the smallest 2-byte
      Bytes({0xDF, 0xBF}),              // U+07FF
      Bytes({0xE0, 0xA0, 0x80}),        // U+0800, the smallest 3-byte
      Bytes({0xED, 0x9F, 0xBF}),        // U+D7FF, just below the surrogates
      Bytes({0xEE, 0x80, 0x80}),        // U+E000, just above them
      Bytes({0xEF, 0xBF, 0xBF}),        // U+FFFF
      Bytes({0xF0, 0x90, 0x80, 0x80}),  // U+10000, the smallest 4-byte
      Bytes({0xF4, 0x8F, 0xBF, 0xBF}),  // U+10FFFF, the largest code point
      "\xC3\xA9t\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80",
  };
  for (const auto& text : valid) {
    EXPECT_TRUE(IsValidUtf8(text)) << testing::PrintToString(text);
  }
}

TEST(Utf8Test, RejectsMalformedSequences) {
  const std::string invalid[] = {
      Bytes({0x80}),                    // stray continuation
      Bytes({0xBF}),                    // stray continuation
      Bytes({0xC0, 0x80}),              // overlong U+0000
      Bytes({0xC1, 0xBF}),              // overlong U+007F
      Bytes({0xE0, 0x80, 0x80}),        // overlong U+0000
      Bytes({0xE0, 0x9F, 0xBF}),        // overlong U+07FF
      Bytes({0xF0, 0x80, 0x80, 0x80}),  // overlong U+0000
      Bytes({0xF0, 0x8F, 0xBF, 0xBF}),  // overlong U+FFFF
      Bytes({0xED, 0xA0, 0x80}),        // U+D800, a surrogate
      Bytes({0xED, 0xBF, 0xBF}),        // U+DFFF, a surrogate
      Bytes({0xF4, 0x90, 0x80, 0x80}),  // U+110000
      Bytes({0xF5, 0x80, 0x80, 0x80}),  // lead byte beyond U+10FFFF
      Bytes({0xFF}),
      Bytes({0xFE}),
      Bytes({0xC3}),                    // truncated at the end
      Bytes({0xE2, 0x82}),              // truncated at the end
      Bytes({0xF0, 0x9F, 0x98}),        // truncated at the end
      Bytes({0xC3, 0x41}),              // continuation replaced by ASCII
      Bytes({0xE2, 0x82, 0xC3, 0xA9}),  // continuation replaced by a new lead
      "ok so far \xC3",
  };
  for (const auto& text : invalid) {
    EXPECT_FALSE(IsValidUtf8(text)) << testing::PrintToString(text);
  }
}

}  // namespace
}  // namespace howler::auth
