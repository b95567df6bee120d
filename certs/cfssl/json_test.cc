#include "certs/cfssl/json.h"

#include <gtest/gtest.h>

namespace cairn::certs::json {
namespace {

TEST(Json, ParsesCfsslShapes) {
  Value v;
  ASSERT_TRUE(
      Parse(R"( {"CN":"a\u00e9\n","hosts":["x",""],"key":{"size":2048},"ok":true,"n":null} )", &v).ok());
  ASSERT_EQ(v.type, Value::Type::kObject);
  EXPECT_EQ(v.Find("cn")->string, "a\xc3\xa9\n");  // case-insensitive like encoding/json
  EXPECT_EQ(v.Find("hosts")->array.size(), 2u);
  EXPECT_EQ(v.Find("key")->Find("size")->number, 2048);
  EXPECT_TRUE(v.Find("ok")->boolean);
  EXPECT_EQ(v.Find("n")->type, Value::Type::kNull);
  EXPECT_EQ(v.Find("missing"), nullptr);
}

TEST(Json, GoErrorMessages) {
  Value v;
  EXPECT_EQ(Parse("{\"CN\":\"x\",", &v).message(), "unexpected end of JSON input");
  EXPECT_EQ(Parse("garbage", &v).message(), "invalid character 'g' looking for beginning of value");
  EXPECT_EQ(Parse("{} x", &v).message(), "invalid character 'x' after top-level value");
  EXPECT_FALSE(Parse("", &v).ok());
  EXPECT_FALSE(Parse("{\"a\" 1}", &v).ok());
  EXPECT_FALSE(Parse("[1,]", &v).ok());
}

TEST(Json, QuoteEscapesLikeGo) {
  EXPECT_EQ(Quote("-----BEGIN X-----\nab+/=\n"), "\"-----BEGIN X-----\\nab+/=\\n\"");
  EXPECT_EQ(Quote("<&>\"\\"), "\"\\u003c\\u0026\\u003e\\\"\\\\\"");
}

}  // namespace
}  // namespace cairn::certs::json
