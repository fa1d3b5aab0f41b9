"""Text analyses of articles and posts: character spans into the text exactly as stored."""
